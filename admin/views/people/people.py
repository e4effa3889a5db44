"""Keluarga (households) and Penduduk (persons): village staff and auditors only."""
from __future__ import annotations

from flask_appbuilder.models.sqla.interface import SQLAInterface
from wtforms.validators import DataRequired, Length, Optional, Regexp

from admin.views.programmes.programmes import RecipientView
from admin.views.surveys.surveys import WelfareView
from admin.views.system.audit import AuditedModelView
from services.registry.models import Household, Person

_SIXTEEN_DIGITS = Regexp(r"^\d{16}$", message="Harus 16 angka")


class PersonView(AuditedModelView):
    datamodel = SQLAInterface(Person)
    class_permission_name = "PersonView"
    route_base = "/persons"
    list_title = "Daftar Penduduk"
    show_title = "Data Penduduk"
    add_title = "Tambah Penduduk"
    edit_title = "Ubah Data Penduduk"
    list_columns = ["nik", "name", "sex", "birth_date", "phone", "is_duplicate_candidate", "household"]
    show_columns = ["nik", "name", "sex", "birth_place", "birth_date", "relationship_to_head", "occupation",
                    "education", "phone", "is_duplicate_candidate", "household"]
    add_columns = ["household", "nik", "name", "sex", "birth_place", "birth_date", "relationship_to_head",
                   "occupation", "education", "phone"]
    edit_columns = add_columns
    search_columns = ["nik", "name", "household"]
    order_columns = ["nik", "name", "birth_date"]
    base_order = ("name", "asc")
    label_columns = {
        "nik": "NIK", "name": "Nama", "sex": "Jenis kelamin", "birth_place": "Tempat lahir",
        "birth_date": "Tanggal lahir", "relationship_to_head": "Hubungan keluarga", "occupation": "Pekerjaan",
        "education": "Pendidikan", "phone": "No. HP", "is_duplicate_candidate": "Calon duplikat",
        "household": "No. KK",
    }
    validators_columns = {
        "nik": [DataRequired(), _SIXTEEN_DIGITS],
        "name": [DataRequired(), Length(max=150)],
        "sex": [DataRequired(), Regexp(r"^[LP]$", message="Isi L atau P")],
        "phone": [Optional(), Length(max=20)],
    }
    formatters_columns = {"is_duplicate_candidate": lambda flag: "Ya" if flag else "Tidak"}


class HouseholdView(AuditedModelView):
    datamodel = SQLAInterface(Household)
    class_permission_name = "HouseholdView"
    route_base = "/households"
    list_title = "Daftar Keluarga"
    show_title = "Data Keluarga"
    add_title = "Tambah Keluarga"
    edit_title = "Ubah Data Keluarga"
    list_columns = ["no_kk", "head", "address", "rt", "rw", "dusun"]
    show_columns = ["no_kk", "head", "address", "rt", "rw", "dusun", "desa", "kecamatan", "kabupaten",
                    "latitude", "longitude"]
    add_columns = ["no_kk", "address", "rt", "rw", "dusun", "desa", "kecamatan", "kabupaten", "latitude",
                   "longitude"]
    edit_columns = add_columns
    search_columns = ["no_kk", "dusun", "address"]
    order_columns = ["no_kk", "dusun", "rt", "rw"]
    base_order = ("no_kk", "asc")
    related_views = [PersonView, RecipientView, WelfareView]  # welfare: score, rank, band on the household
    show_template = "appbuilder/general/model/show_cascade.html"
    label_columns = {
        "no_kk": "No. KK", "head": "Kepala keluarga", "address": "Alamat", "rt": "RT", "rw": "RW",
        "dusun": "Dusun", "desa": "Desa", "kecamatan": "Kecamatan", "kabupaten": "Kabupaten",
        "latitude": "Lintang", "longitude": "Bujur",
    }
    validators_columns = {"no_kk": [DataRequired(), _SIXTEEN_DIGITS]}
