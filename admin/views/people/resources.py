"""Wilayah, Sumber Daya and Keterampilan: the village's areas, resources and persons' skills (staff only).

Households and persons are chosen by typing a No. KK / NIK, never from a dropdown: a related-field
select would load every household of the registry into the form."""
from __future__ import annotations

from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from admin.extensions import db_session
from admin.views.base import BansosModelView
from admin.views.system.audit import AuditedModelView
from services.registry.models import Household, Person, PersonSkill, Region, VillageResource
from services.registry.people.models.regions import REGION_KINDS
from services.registry.people.models.resources import RESOURCE_KINDS, SKILL_LEVELS, SKILL_SOURCES, SKILLS

_SIXTEEN_DIGITS = Regexp(r"^\d{16}$", message="Harus 16 angka")


def _choices(options) -> list[tuple[str, str]]:
    if isinstance(options, dict):
        return list(options.items())
    return [(value, value.replace("_", " ").capitalize()) for value in options]


class RegionView(BansosModelView):
    """Read-only list: areas and boundaries come from `bansos import-regions` (validated GeoJSON)."""

    datamodel = SQLAInterface(Region)
    class_permission_name = "RegionView"
    route_base = "/regions"
    base_permissions = ["can_list", "can_show"]
    list_title = "Daftar Wilayah"
    show_title = "Data Wilayah"
    list_columns = ["kind", "code", "name", "parent", "has_boundary"]
    show_columns = ["kind", "code", "name", "parent", "centroid_lat", "centroid_lon", "updated_at"]
    search_columns = ["kind", "code", "name"]
    order_columns = ["kind", "code", "name"]
    base_order = ("code", "asc")
    label_columns = {"kind": "Jenis", "code": "Kode", "name": "Nama", "parent": "Induk", "has_boundary": "Batas",
                     "centroid_lat": "Lintang titik tengah", "centroid_lon": "Bujur titik tengah",
                     "updated_at": "Diperbarui"}
    formatters_columns = {"kind": lambda kind: kind.upper() if kind in ("rw", "rt") else (kind or "").title(),
                          "has_boundary": lambda has: "Ada" if has else "Belum"}
    description_columns = {"kind": "Urutan: " + " > ".join(REGION_KINDS)}


def _household_by_kk(no_kk: str | None) -> Household | None:
    if not no_kk:
        return None
    household = db_session().scalars(select(Household).where(Household.no_kk == no_kk.strip())).first()
    if household is None:
        raise ValueError(f"No. KK {no_kk} tidak ada di registri; periksa lagi atau daftarkan keluarganya dulu.")
    return household


class VillageResourceView(AuditedModelView):
    datamodel = SQLAInterface(VillageResource)
    class_permission_name = "VillageResourceView"
    route_base = "/resources"
    list_title = "Sumber Daya dan Potensi Desa"
    show_title = "Data Sumber Daya"
    add_title = "Tambah Sumber Daya"
    edit_title = "Ubah Sumber Daya"
    list_columns = ["kind", "name", "size", "unit", "region", "owner_household"]
    show_columns = ["kind", "name", "description", "size", "unit", "region", "latitude", "longitude",
                    "owner_household"]
    add_columns = ["kind", "name", "description", "size", "unit", "region", "latitude", "longitude", "owner_kk"]
    edit_columns = add_columns
    search_columns = ["kind", "name", "description", "region"]
    order_columns = ["kind", "name", "size"]
    base_order = ("name", "asc")
    label_columns = {"kind": "Jenis", "name": "Nama", "description": "Keterangan", "size": "Luas/jumlah",
                     "unit": "Satuan", "region": "Wilayah", "latitude": "Lintang", "longitude": "Bujur",
                     "owner_household": "Keluarga pemilik", "owner_kk": "No. KK pemilik (opsional)"}
    formatters_columns = {"kind": lambda kind: RESOURCE_KINDS.get(kind, kind)}
    validators_columns = {"name": [DataRequired(), Length(max=150)],
                          "latitude": [Optional(), NumberRange(-90, 90, "Lintang antara -90 dan 90")],
                          "longitude": [Optional(), NumberRange(-180, 180, "Bujur antara -180 dan 180")]}
    add_form_extra_fields = {
        "kind": SelectField("Jenis", choices=_choices(RESOURCE_KINDS), validators=[DataRequired()]),
        "owner_kk": StringField("No. KK pemilik (opsional)", validators=[Optional(), _SIXTEEN_DIGITS]),
    }
    edit_form_extra_fields = add_form_extra_fields

    def prefill_form(self, form, pk):
        item = self.datamodel.get(pk)
        form.owner_kk.data = item.owner_household.no_kk if item and item.owner_household else ""

    def _resolve_owner(self, item) -> None:
        item.owner_household = _household_by_kk(getattr(item, "owner_kk", None))

    def pre_add(self, item):
        self._resolve_owner(item)

    def pre_update(self, item):
        self._resolve_owner(item)
        super().pre_update(item)


class PersonSkillView(AuditedModelView):
    datamodel = SQLAInterface(PersonSkill)
    class_permission_name = "PersonSkillView"
    route_base = "/skills"
    list_title = "Keterampilan Warga"
    show_title = "Data Keterampilan"
    add_title = "Catat Keterampilan"
    edit_title = "Ubah Keterampilan"
    list_columns = ["person", "person.sex", "person.household.dusun", "skill", "level", "source", "recorded_on"]
    show_columns = ["person", "person.nik", "skill", "level", "source", "notes", "recorded_on"]
    add_columns = ["nik", "skill", "level", "source", "notes", "recorded_on"]
    edit_columns = ["skill", "level", "source", "notes", "recorded_on"]
    # No "person" filter: its dropdown would load every person of the registry.
    search_columns = ["skill", "level", "source"]
    order_columns = ["skill", "level", "recorded_on"]
    base_order = ("id", "desc")
    label_columns = {"person": "Nama", "person.nik": "NIK", "person.sex": "Jenis kelamin",
                     "person.household.dusun": "Dusun", "nik": "NIK warga", "skill": "Keterampilan",
                     "level": "Tingkat", "source": "Sumber data", "notes": "Catatan", "recorded_on": "Tanggal dicatat"}
    formatters_columns = {"skill": lambda code: SKILLS.get(code, code)}
    _skill_fields = {
        "skill": SelectField("Keterampilan", choices=_choices(SKILLS), validators=[DataRequired()]),
        "level": SelectField("Tingkat", choices=_choices(SKILL_LEVELS), validators=[DataRequired()]),
        "source": SelectField("Sumber data", choices=_choices(SKILL_SOURCES), validators=[DataRequired()]),
    }
    add_form_extra_fields = {"nik": StringField("NIK warga", validators=[DataRequired(), _SIXTEEN_DIGITS]),
                             **_skill_fields}
    edit_form_extra_fields = _skill_fields

    @staticmethod
    def _refuse_second(item) -> None:
        session = db_session()
        # No autoflush: the edited row is already dirty, and flushing it would hit the unique constraint
        # with an English database error instead of this message.
        with session.no_autoflush:
            person = item.person
            query = select(PersonSkill.id).where(PersonSkill.person_id == person.id, PersonSkill.skill == item.skill)
            if item.id is not None:
                query = query.where(PersonSkill.id != item.id)
            exists = session.scalar(query)
        if exists:
            raise ValueError(f"Keterampilan {SKILLS.get(item.skill, item.skill)} untuk NIK {person.nik} sudah "
                             "tercatat; ubah data yang ada.")

    def pre_add(self, item):
        persons = db_session().scalars(select(Person).where(Person.nik == item.nik).order_by(Person.id)).all()
        if not persons:
            raise ValueError(f"NIK {item.nik} tidak ada di registri.")
        item.person = persons[0]  # one person even if the NIK is a duplicate candidate in two households
        self._refuse_second(item)

    def pre_update(self, item):
        self._refuse_second(item)
        super().pre_update(item)
