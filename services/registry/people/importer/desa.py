"""Which desa a roster row's household belongs to: the import's own desa, or (for an import over a
kecamatan or the kabupaten) the desa its DESA/KELURAHAN column names among that area's villages."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.core.areas import ensure_default_desa
from services.registry.models import Area
from services.registry.people.importer.rows import RowError
from services.registry.people.regions import norm_name


class DesaResolver:
    def __init__(self, session: Session, area: Area | None):
        default = ensure_default_desa(session)
        self.area = area or default
        self.default = default if default.code.startswith(self.area.code) else None
        self.by_name: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
        if self.area.level != "desa":
            kecamatan = {a.id: a.name for a in session.scalars(select(Area).where(
                Area.level == "kecamatan").execution_options(all_areas=True))}
            for desa in session.scalars(select(Area).where(
                    Area.level == "desa", Area.code.startswith(self.area.code + ".")).execution_options(all_areas=True)):
                self.by_name[norm_name(desa.name)].append((desa.id, norm_name(kecamatan.get(desa.parent_id))))

    def area_of(self, household: dict) -> int:
        """The area id of the row's household, or RowError with the reason in Indonesian."""
        desa = norm_name(household.get("desa"))
        if self.area.level == "desa":
            if desa is None or desa == norm_name(self.area.name):
                return self.area.id
            raise RowError(f"DESA ({household['desa']}) bukan {self.area.title}, desa impor ini")
        if desa is None:
            if self.default is None:
                raise RowError(f"DESA kosong: sebutkan desa/kelurahan di {self.area.title}")
            return self.default.id
        found = self.by_name.get(desa, [])
        kecamatan = norm_name(household.get("kecamatan"))
        if kecamatan and len(found) > 1:
            found = [item for item in found if item[1] == kecamatan] or found
        if not found:
            raise RowError(f"DESA ({household['desa']}) tidak ada di daftar desa/kelurahan {self.area.title}")
        if len(found) > 1:
            raise RowError(f"DESA ({household['desa']}) ada di beberapa kecamatan: isi KECAMATAN yang benar")
        return found[0][0]
