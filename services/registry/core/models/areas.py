"""Administrative areas by Kemendagri code: provinsi > kabupaten > kecamatan > desa/kelurahan.

Every household, region, programme and the work around them belongs to one area. A desa or
kelurahan is where households live and where village programmes (BLT Dana Desa) are run; a
kecamatan or kabupaten area holds programmes run above the village. The village's own details
(head, address, SMS sender name, logo) sit on its row so that public pages, posters, PDFs and SMS
read them instead of a name fixed in the code."""
from __future__ import annotations

import functools
import os
from contextvars import ContextVar
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, event, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, with_loader_criteria

from services.registry.core.base import Base, utcnow

# Ordered from the top; a kelurahan sits at the desa level (its code's fourth part starts with 1).
AREA_LEVELS = ("provinsi", "kabupaten", "kecamatan", "desa")
LEVEL_LABELS = {"provinsi": "Provinsi", "kabupaten": "Kabupaten", "kecamatan": "Kecamatan", "desa": "Desa"}


class Area(Base):
    __tablename__ = "area"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(13), unique=True, index=True)  # "35.26.04.2001"
    level: Mapped[str] = mapped_column(String(10), index=True)  # one of AREA_LEVELS
    name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    head_title: Mapped[str | None] = mapped_column(String(40))  # "Kepala Desa", "Lurah", "Camat", "Bupati"
    head_name: Mapped[str | None] = mapped_column(String(150))
    address: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(120))
    sms_sender: Mapped[str | None] = mapped_column(String(11))  # alphanumeric sender ids stop at 11
    logo_path: Mapped[str | None] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    parent: Mapped[Area | None] = relationship(remote_side=[id])

    @property
    def is_kelurahan(self) -> bool:
        return self.level == "desa" and self.code.rsplit(".", 1)[-1].startswith("1")

    @property
    def title(self) -> str:
        """"Desa Kamal", "Kelurahan Kraton", "Kecamatan Kamal", "Kabupaten Bangkalan"."""
        label = "Kelurahan" if self.is_kelurahan else LEVEL_LABELS.get(self.level, self.level.title())
        return f"{label} {self.name}"

    def __repr__(self) -> str:
        return self.title


# Desa Kamal, Kecamatan Kamal, Kabupaten Bangkalan: where the project started.
DEFAULT_DESA = "35.26.04.2001"


def default_desa_code() -> str:
    """The desa that a database of one village becomes, and that new rows belong to by default."""
    return os.environ.get("BANSOS_DEFAULT_DESA", DEFAULT_DESA).strip() or DEFAULT_DESA


# The areas whose rows the running request may read and change (None: every area, for workers, the
# CLI and unscoped staff); set by the web apps per request from the user's scope.
VISIBLE_AREAS: ContextVar[tuple[int, ...] | None] = ContextVar("visible_areas", default=None)
# The area a new row belongs to when its creator did not say (a desa user's own desa).
CURRENT_AREA: ContextVar[int | None] = ContextVar("current_area", default=None)
# The areas whose rows the request may add, change or delete (None: every area). Narrower than
# VISIBLE_AREAS: a village sees the kabupaten programmes it takes part in but cannot change them.
WRITABLE_AREAS: ContextVar[tuple[int, ...] | None] = ContextVar("writable_areas", default=None)


class AreaScopeError(PermissionError):
    """A change to a row of an area outside the user's scope; the message is for people."""


class InArea:
    """Mixin for rows that belong to one area: the column the area scope filters on.

    Nullable only so that a database of one village can be upgraded in place; the upgrade gives
    every existing row the default desa and every new row is given its area when it is created."""

    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)


# Rows without an area of their own are scoped through the row they hang from, declared on the model
# as ``__area_via__ = (foreign key column, parent table)``: an entitlement through its household, so a
# kabupaten programme's cycle shows each village only its own recipients.
# A row that concerns several areas (a dedup case across two villages) declares
# ``__area_links__ = (link table, link column holding this row's id)``: it is visible in every area one of
# its link rows belongs to (the link model is InArea).
def _criterion(cls, ids: tuple[int, ...], depth: int = 0):
    if issubclass(cls, InArea):
        return cls.area_id.in_(ids)
    if getattr(cls, "__area_links__", None):
        table, column = cls.__area_links__
        link = next(m.class_ for m in cls.registry.mappers if m.local_table.name == table)
        return cls.id.in_(select(getattr(link, column)).where(link.area_id.in_(ids)))
    column, table = cls.__area_via__
    parent = next(m.class_ for m in cls.registry.mappers if m.local_table.name == table)
    if depth > 5:
        raise RuntimeError(f"__area_via__ of {cls.__name__} loops")
    return getattr(cls, column).in_(select(parent.id).where(_criterion(parent, ids, depth + 1)))


# Built once per scope, not on every statement: walking the mappers and their subqueries is the hot path.
@functools.lru_cache(maxsize=512)
def _scope_options(registry, ids: tuple[int, ...]):
    options = [with_loader_criteria(InArea, lambda cls: cls.area_id.in_(ids), include_aliases=True)]
    for mapper in registry.mappers:
        scoped = getattr(mapper.class_, "__area_via__", None) or getattr(mapper.class_, "__area_links__", None)
        if scoped and not issubclass(mapper.class_, InArea):
            # Not to aliases: a plain criterion names the table itself, so an aliased person (a recipient
            # joined to its enrolment) would get "no such column"; such aliases are reached through a row
            # that is scoped already (the enrolment, the household).
            options.append(with_loader_criteria(mapper.class_, _criterion(mapper.class_, ids)))
    return options


def _scope_statement(state) -> None:
    ids = VISIBLE_AREAS.get()
    if ids is None or state.execution_options.get("all_areas") or state.is_column_load:
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    from services.registry.core.base import Base

    state.statement = state.statement.options(*_scope_options(Base.registry, tuple(ids)))


def _assign_areas(session: Session, flush_context, instances) -> None:
    """A new row without an area takes its parent's, then the request's desa, then the default desa."""
    pending = [obj for obj in session.new if isinstance(obj, InArea) and obj.area_id is None]
    if not pending:
        return
    fallback = CURRENT_AREA.get()
    with session.no_autoflush:
        for obj in pending:
            via = getattr(type(obj), "__area_from__", None)  # e.g. a cycle belongs where its programme does
            parent = getattr(obj, via, None) if via else None
            if parent is not None and parent.area_id is not None:
                obj.area_id = parent.area_id
                continue
            if fallback is None:
                fallback = default_area_id(session)
            obj.area_id = fallback


def default_area_id(session: Session) -> int | None:
    """The id of BANSOS_DEFAULT_DESA's row (None before the areas are loaded)."""
    return session.connection().execute(select(Area.id).where(Area.code == default_desa_code())).scalar()


def area_of_row(session: Session, table: str, row_id, depth: int = 0) -> int | None:
    """The area of one row named by table and id, following ``__area_via__`` (unscoped: a Core read)."""
    from services.registry.core.base import Base

    mapper = next((m for m in Base.registry.mappers if m.local_table.name == table), None)
    if mapper is None or depth > 5 or not str(row_id or "").isdigit():
        return None
    cls = mapper.class_
    if issubclass(cls, InArea):
        return session.connection().execute(select(cls.__table__.c.area_id)
                                            .where(cls.__table__.c.id == int(row_id))).scalar()
    via = getattr(cls, "__area_via__", None)
    if not via:
        return None
    parent_id = session.connection().execute(select(cls.__table__.c[via[0]])
                                             .where(cls.__table__.c.id == int(row_id))).scalar()
    return area_of_row(session, via[1], parent_id, depth + 1)


def _area_of(session: Session, obj, depth: int = 0) -> int | None:
    """The area a row belongs to: its own, or (``__area_via__``) that of the row it hangs from."""
    if isinstance(obj, InArea):
        return obj.area_id
    column, table = type(obj).__area_via__
    if depth > 5:
        return None
    parent_id = getattr(obj, column, None)
    if parent_id is None:
        # A parent added in the same flush has no id yet: follow the relationship instead.
        parent = next((getattr(obj, rel.key) for rel in inspect(type(obj)).relationships
                       if rel.direction.name == "MANYTOONE" and column in {c.key for c in rel.local_columns}), None)
    else:
        parent_cls = next(m.class_ for m in type(obj).registry.mappers if m.local_table.name == table)
        parent = session.get(parent_cls, parent_id)  # None when the parent is outside the visible areas
    return _area_of(session, parent, depth + 1) if parent is not None else None


def refuse_outside_scope(session: Session, obj) -> None:
    """Raise AreaScopeError when ``obj`` belongs to an area the request may not change."""
    writable = WRITABLE_AREAS.get()
    if writable is None or not (isinstance(obj, InArea) or getattr(type(obj), "__area_via__", None)):
        return
    with session.no_autoflush:
        area_id = _area_of(session, obj)
        if area_id in writable:
            return
        area = session.get(Area, area_id) if area_id is not None else None
    where = area.title if area is not None else "wilayah lain"
    raise AreaScopeError(f"Data ini milik {where} dan hanya dapat dibaca: Anda hanya boleh mengubah data "
                         "wilayah Anda sendiri.")


def _check_writable(session: Session, flush_context, instances) -> None:
    """The one place where a scoped request is stopped from changing another area's rows."""
    if WRITABLE_AREAS.get() is None:
        return
    changed = [*session.new, *session.deleted,
               *(obj for obj in session.dirty if session.is_modified(obj, include_collections=False))]
    for obj in changed:
        refuse_outside_scope(session, obj)
        if isinstance(obj, InArea) and obj in session.dirty:
            # Moving a row out of the area: its old area must be writable as well.
            history = inspect(obj).attrs.area_id.history
            for old in history.deleted or ():
                if old is not None and old not in WRITABLE_AREAS.get():
                    raise AreaScopeError("Data wilayah lain tidak dapat dipindahkan ke wilayah Anda.")


def install_area_scope() -> None:
    """Scope every ORM statement of every session to VISIBLE_AREAS, give new rows their area, and
    refuse changes outside WRITABLE_AREAS (after the new rows have their area)."""
    if not event.contains(Session, "do_orm_execute", _scope_statement):
        event.listen(Session, "do_orm_execute", _scope_statement)
        event.listen(Session, "before_flush", _assign_areas)
        event.listen(Session, "before_flush", _check_writable)
