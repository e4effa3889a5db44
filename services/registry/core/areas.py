"""Kemendagri area codes: reading the official list, the level of a code, and the default desa.

The list is Kemendagri's own layout (``kode,nama`` with dotted codes); names are stored in the
capitalisation people write them ("Gili Anyar", not "GILI ANYAR")."""
from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.core.models.areas import VISIBLE_AREAS
from services.registry.models import Area

SHIPPED = Path(__file__).with_name("kemendagri_3526.csv")
_LEVELS = {1: "provinsi", 2: "kabupaten", 3: "kecamatan", 4: "desa"}
_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
_PREFIXES = ("KABUPATEN ", "KAB. ", "KOTA ADM. ", "KECAMATAN ", "KELURAHAN ", "DESA ")


class AreaCodeError(ValueError):
    """A line of a code list that is not a Kemendagri code and name; the message is for people."""


@dataclass(frozen=True)
class AreaCode:
    code: str
    name: str

    @property
    def level(self) -> str:
        return level_of(self.code)

    @property
    def parent_code(self) -> str | None:
        return self.code.rsplit(".", 1)[0] if "." in self.code else None


def level_of(code: str) -> str:
    if not _CODE.match(code or ""):
        raise AreaCodeError(f"Kode wilayah '{code}' bukan kode Kemendagri (contoh: 35.26.01.2001)")
    return _LEVELS[code.count(".") + 1]


def display_name(raw: str) -> str:
    """Kemendagri writes names in capitals and with the level in front for a kabupaten/kota."""
    name = " ".join(raw.split())
    upper = name.upper()
    for prefix in _PREFIXES:
        if upper.startswith(prefix) and prefix != "KOTA ADM. ":
            name = name[len(prefix):]
            break
    return name.title() if name.isupper() else name


def read_codes(text: str) -> list[AreaCode]:
    """Every line of a ``kode,nama`` list (``;`` also read); a bad line raises naming its number."""
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    codes = []
    for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        if not cells or not "".join(cells).strip():
            continue
        code, name = (cells + ["", ""])[0].strip(), (cells + ["", ""])[1].strip()
        if number == 1 and not code[:1].isdigit():
            continue  # header line
        if not name:
            raise AreaCodeError(f"Baris {number}: nama wilayah untuk kode '{code}' kosong")
        try:
            level_of(code)
        except AreaCodeError as exc:
            raise AreaCodeError(f"Baris {number}: {exc}") from None
        codes.append(AreaCode(code, display_name(name)))
    return codes


def shipped_codes() -> list[AreaCode]:
    return read_codes(SHIPPED.read_text(encoding="utf-8"))


def default_desa_code() -> str:
    """The desa that a database of one village becomes, and that new rows belong to by default."""
    return os.environ.get("BANSOS_DEFAULT_DESA", "35.26.01.2005").strip()


def upsert(session: Session, codes: list[AreaCode]) -> dict[str, int]:
    """Add or rename areas top-down so every parent exists first; counts of added and renamed."""
    existing = {area.code: area for area in session.scalars(select(Area))}
    counts = {"ditambah": 0, "diubah": 0}
    for item in sorted(codes, key=lambda c: (c.code.count("."), c.code)):
        area = existing.get(item.code)
        if area is None:
            parent = existing.get(item.parent_code) if item.parent_code else None
            if item.parent_code and parent is None:
                raise AreaCodeError(f"Kode {item.code}: induknya {item.parent_code} tidak ada di daftar maupun di basis data")
            area = Area(code=item.code, name=item.name, level=item.level, parent=parent)
            session.add(area)
            existing[item.code] = area
            counts["ditambah"] += 1
        elif area.name != item.name:
            area.name = item.name
            counts["diubah"] += 1
    session.flush()
    return counts


def ensure_default_desa(session: Session) -> Area:
    """The default desa and its ancestors from the shipped list (added when missing)."""
    code = default_desa_code()
    area = session.scalar(select(Area).where(Area.code == code))
    if area is not None:
        return area
    wanted = {code, *(code.rsplit(".", n)[0] for n in range(1, code.count(".") + 1))}
    chain = [c for c in shipped_codes() if c.code in wanted]
    if not any(c.code == code for c in chain):
        raise AreaCodeError(f"BANSOS_DEFAULT_DESA={code} tidak ada di daftar kode Kemendagri yang dibawa")
    upsert(session, chain)
    return session.scalar(select(Area).where(Area.code == code))


@dataclass(frozen=True)
class AreaScope:
    """What a user of one area may read and change (ids), and where their new rows go."""

    visible: tuple[int, ...]
    writable: tuple[int, ...]
    current: int


def within(session: Session, area_id: int) -> list[int]:
    """The area and every area below it (a kecamatan's desa, a kabupaten's kecamatan and desa)."""
    area = session.get(Area, area_id)
    if area is None:
        return []
    return list(session.scalars(select(Area.id).where((Area.id == area.id) | Area.code.like(f"{area.code}.%"))))


def above(session: Session, area_id: int) -> list[int]:
    """The areas a given area sits in, nearest first (desa -> kecamatan -> kabupaten -> provinsi)."""
    ids, area = [], session.get(Area, area_id)
    while area is not None and area.parent_id is not None:
        ids.append(area.parent_id)
        area = session.get(Area, area.parent_id)
    return ids


def scope_of(session: Session, area_id: int) -> AreaScope:
    """Read and change the area and below; read (never change) the areas above, so a village sees
    the kabupaten programmes it takes part in while their households stay its own."""
    below = within(session, area_id)
    return AreaScope(visible=tuple(sorted({*below, *above(session, area_id)})), writable=tuple(sorted(below)),
                     current=area_id)


def desa_choices(session: Session) -> list[tuple[int, str]]:
    """The desa/kelurahan the session may see, for a form's select (id, "Desa Kamal")."""
    areas = session.scalars(select(Area).where(Area.level == "desa").order_by(Area.name)).all()
    visible = VISIBLE_AREAS.get()
    return [(a.id, a.title) for a in areas if visible is None or a.id in visible]
