"""Helpers of the capacity screens (trainings, capital, meetings, partners): scoping and form values."""
from __future__ import annotations

from flask import abort, g

from admin.extensions import db_session
from admin.scoping import can_see_programme, is_partner, visible_programme_ids


def actor() -> str:
    return getattr(getattr(g, "user", None), "username", None) or "admin"


def visible_or_404(model, pk: int):
    """The row if its programme is visible to the user (partners: own programmes only), else 404.

    Rows without a programme (village-run) are visible to village staff only."""
    item = db_session().get(model, pk)
    if item is None:
        abort(404)
    programme_id = getattr(item, "programme_id", None)
    if programme_id is None and is_partner():
        abort(404)
    if programme_id is not None and not can_see_programme(programme_id):
        abort(404)
    return item


def check_programme_for_partner(item) -> None:
    """On add/edit by a partner: the programme must be one of theirs (a client-sent id cannot widen scope)."""
    ids = visible_programme_ids()
    if ids is None:
        return
    programme = getattr(item, "programme", None)
    if programme is None or programme.id not in ids:
        raise ValueError("Mitra hanya dapat mencatat kegiatan pada program miliknya sendiri")
