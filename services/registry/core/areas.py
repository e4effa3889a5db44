"""Kemendagri area codes: reading the official list, the level of a code, and the default desa.

The list is Kemendagri's own layout (``kode,nama`` with dotted codes); names are stored in the
capitalisation people write them ("Gili Anyar", not "GILI ANYAR"). The shipped list is Kabupaten
Bangkalan (18 kecamatan, 273 desa, 8 kelurahan) from the Kepmendagri on kode dan data wilayah
administrasi pemerintahan No 300.2.2-2138 Tahun 2025, as transcribed in the public cahyadsn/wilayah
data set (db/wilayah.sql); its codes are the same as in Kepmendagri 100.1.1-6117 Tahun 2022."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.core.models.areas import VISIBLE_AREAS, default_desa_code
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
        raise AreaCodeError(f"Kode wilayah '{code}' bukan kode Kemendagri (contoh: 35.26.04.2001)")
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
    """Every line of a ``kode,nama`` list (``;`` also read, ``#`` lines are notes); a bad line raises naming its number."""
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    codes = []
    for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        if not cells or not "".join(cells).strip():
            continue
        code, name = (cells + ["", ""])[0].strip(), (cells + ["", ""])[1].strip()
        if code.startswith("#"):
            continue  # a note, such as where the list was taken from
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


@dataclass
class CodeImportResult:
    added: int = 0
    renamed: int = 0
    unchanged: int = 0
    refused: list[dict] = field(default_factory=list)  # {"line": n, "code": ..., "reason": ...}


def looks_like_code_list(text: str) -> bool:
    """A Kemendagri list starts with a ``kode`` header or a dotted code; anything else is not one."""
    first = next((line.strip() for line in text.lstrip("\ufeff").splitlines() if line.strip()
                  and not line.lstrip().startswith("#")), "")
    return first.casefold().startswith("kode") or bool(_CODE.match(re.split(r"[,;]", first)[0].strip()))


def import_codes(session: Session, text: str, actor: str) -> CodeImportResult:
    """Add or rename every good line of a code list; each refused line is reported with its reason.

    Unlike :func:`read_codes` (the shipped list, which must be whole) one bad line refuses only itself,
    and a child whose parent was refused is refused too."""
    from services.registry.core.audit import record

    result = CodeImportResult()
    lines: list[tuple[int, AreaCode]] = []
    seen: set[str] = set()
    first, header_line = True, "kode,nama\n"
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        header, first = first, False
        if header and line.count(";") > line.count(","):
            header_line = "kode;nama\n"
        try:
            codes = read_codes(line if header else header_line + line)
        except AreaCodeError as exc:
            reason = str(exc).split(": ", 1)[-1]
            result.refused.append({"line": number, "code": line.split(",")[0].split(";")[0].strip(), "reason": reason})
            continue
        if not codes:
            continue  # header or note
        item = codes[0]
        if item.code in seen:
            result.refused.append({"line": number, "code": item.code, "reason": "Kode wilayah ganda dalam berkas"})
            continue
        seen.add(item.code)
        lines.append((number, item))
    existing = {area.code: area for area in session.scalars(select(Area).execution_options(all_areas=True))}
    for number, item in sorted(lines, key=lambda pair: (pair[1].code.count("."), pair[1].code)):
        area = existing.get(item.code)
        if area is None:
            parent = existing.get(item.parent_code) if item.parent_code else None
            if item.parent_code and parent is None:
                result.refused.append({"line": number, "code": item.code, "reason":
                                       f"Induk {item.parent_code} tidak ada di berkas maupun di basis data"})
                continue
            area = Area(code=item.code, name=item.name, level=item.level, parent=parent)
            session.add(area)
            session.flush()
            existing[item.code] = area
            result.added += 1
            record(session, actor, "import", "area", area.id, code=area.code, name=area.name)
        elif area.name != item.name:
            record(session, actor, "update", "area", area.id, code=area.code, changes={"name": [area.name, item.name]})
            area.name = item.name
            result.renamed += 1
        else:
            result.unchanged += 1
    session.commit()
    return result


def area_or_default(session: Session, area_id: int | None) -> Area:
    """The area a row belongs to, for the name and details printed on what it sends; the default desa when
    the row has none yet."""
    area = session.get(Area, area_id) if area_id else None
    return area if area is not None else ensure_default_desa(session)


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
