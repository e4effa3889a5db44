"""Request input guards every web process installs: ids that fit the database, JSON bodies of bounded depth.

PostgreSQL's ``integer`` stops at 2^31-1: an id beyond it (or a negative one) can name no row, so it is
a 404 before any query runs instead of a driver overflow (a 500). Python's JSON parser recurses per
nesting level: a body nested thousands deep would raise RecursionError, so depth is refused as a 400, and
so is a NUL character, which PostgreSQL text cannot store (a driver error, a 500, otherwise)."""
from __future__ import annotations

from flask import Flask, Request, jsonify
from flask.json.provider import DefaultJSONProvider
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
MAX_JSON_DEPTH = 32


class IdConverter(IntegerConverter):
    """``<int:...>`` limited to 0..2^31-1: anything else does not match the route, so it is a 404."""

    def __init__(self, map, fixed_digits=0, min=0, max=MAX_ID, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def parse_id(value) -> int | None:
    """An id from a query string or a JSON body (digits or an int, 0..2^31-1); None when it cannot be one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) <= 10:
        number = int(value.strip())
    else:
        return None
    return number if 0 <= number <= MAX_ID else None


def page_number(value) -> int:
    """A ``page`` query value as 1..2^31-1 (anything else is page 1): an OFFSET beyond bigint is a 500."""
    number = parse_id(value)
    return number if number else 1


class BadInput(BadRequest):
    """Input refused before the view uses it; answered as ``{"error": reason}``."""


NUL_REFUSED = "Teks tidak boleh berisi karakter NUL (\\u0000)"


def _problem(value, limit: int) -> str | None:
    """Why a parsed body is refused: nested beyond ``limit``, or a NUL that PostgreSQL text cannot hold."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return NUL_REFUSED
        elif isinstance(item, (dict, list)):
            if depth > limit:
                return f"JSON terlalu dalam: paling banyak {limit} tingkat bersarang"
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children if isinstance(child, (str, dict, list)))
    return None


class GuardedJSONProvider(DefaultJSONProvider):
    """Flask hands every request this provider to parse its body: a depth error escapes
    ``get_json(silent=True)`` on purpose (it is no ValueError), so the caller learns why rather than a
    generic "not an object"."""

    def loads(self, s, **kwargs):
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise BadInput(f"JSON terlalu dalam: paling banyak {MAX_JSON_DEPTH} tingkat bersarang") from None
        problem = _problem(value, MAX_JSON_DEPTH)
        if problem:
            raise BadInput(problem)
        return value


class _NulFreeArgs(ImmutableMultiDict):
    """Query strings and forms are checked when first read, after the blueprint's token check has run."""

    def __init__(self, mapping=None):
        super().__init__(mapping)
        if any("\x00" in key or "\x00" in value for key, value in self.items(multi=True)
               if isinstance(value, str)):
            raise BadInput(NUL_REFUSED)


class GuardedRequest(Request):
    parameter_storage_class = _NulFreeArgs


def install_input_guards(app: Flask) -> None:
    """Call before any blueprint is registered: rules take their converters from the map when added."""
    app.url_map.converters["int"] = IdConverter
    app.json = GuardedJSONProvider(app)
    app.request_class = GuardedRequest

    @app.url_value_preprocessor
    def _pk_in_range(_endpoint, values):
        # Flask-AppBuilder routes take ``<pk>`` as text; a number no row can have becomes id 0 (never assigned),
        # so FAB itself answers its 404 after its login check, instead of the driver overflowing (a 500).
        pk = (values or {}).get("pk")
        if isinstance(pk, str) and pk.lstrip("-").isdigit() and parse_id(pk) is None:
            values["pk"] = "0"

    @app.errorhandler(BadInput)
    def _bad_json(exc: BadInput):
        return jsonify({"error": exc.description}), 400
