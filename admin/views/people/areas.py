"""The village profile: who heads it, where its office is, the SMS sender name and the logo that public
pages, posters, certificates and messages print instead of a name fixed in the code.

Areas themselves (codes and names) come from the Kemendagri list (`bansos import-regions`), so only the
profile is editable, and only for the areas the user's scope shows."""
from __future__ import annotations

import re

from flask_appbuilder.models.sqla.filters import FilterEqual, FilterInFunction
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import select
from wtforms.validators import Email, Length, Optional, Regexp

from admin.extensions import db_session
from admin.views.system.audit import AuditedModelView
from services.registry.core.models.areas import VISIBLE_AREAS
from services.registry.models import Area

_SENDER = re.compile(r"^[A-Za-z0-9 ]{1,11}$")


def visible_area_ids() -> list[int]:
    """The areas of the user's scope; every area for staff without one."""
    ids = VISIBLE_AREAS.get()
    if ids is not None:
        return list(ids)
    return list(db_session().scalars(select(Area.id).execution_options(all_areas=True)))


class AreaProfileView(AuditedModelView):
    datamodel = SQLAInterface(Area)
    class_permission_name = "AreaProfileView"
    route_base = "/area-profile"
    base_permissions = ["can_list", "can_show", "can_edit"]
    base_filters = [["id", FilterInFunction, visible_area_ids], ["level", FilterEqual, "desa"]]
    base_order = ("code", "asc")
    list_title = "Profil Desa"
    show_title = "Profil Desa"
    edit_title = "Ubah Profil Desa"
    list_columns = ["code", "name", "head_name", "phone", "sms_sender"]
    show_columns = ["code", "name", "parent", "head_title", "head_name", "address", "phone", "email", "sms_sender",
                    "logo_path", "updated_at"]
    edit_columns = ["head_title", "head_name", "address", "phone", "email", "sms_sender", "logo_path"]
    search_columns = ["code", "name", "head_name"]
    label_columns = {"code": "Kode Kemendagri", "name": "Nama", "parent": "Kecamatan", "head_title": "Jabatan kepala",
                     "head_name": "Nama kepala desa", "address": "Alamat kantor", "phone": "Telepon",
                     "email": "Surel", "sms_sender": "Nama pengirim SMS", "logo_path": "Berkas logo",
                     "updated_at": "Diperbarui"}
    description_columns = {
        "head_title": "Mis. Kepala Desa, atau Lurah untuk kelurahan",
        "sms_sender": "Paling banyak 11 huruf/angka (batas nama pengirim SMS), mis. DESAKAMAL",
        "logo_path": "Letak berkas logo di server (PNG/JPG), dipakai di papan informasi dan sertifikat",
    }
    validators_columns = {
        "head_title": [Optional(), Length(max=40)],
        "head_name": [Optional(), Length(max=150)],
        "address": [Optional(), Length(max=255)],
        "phone": [Optional(), Regexp(r"^[0-9+()\- ]{5,30}$", message="Nomor telepon hanya angka, +, -, spasi")],
        "email": [Optional(), Email(message="Alamat surel tidak sah")],
        "sms_sender": [Optional(), Regexp(_SENDER, message="Nama pengirim SMS: 1-11 huruf atau angka")],
        "logo_path": [Optional(), Length(max=255)],
    }
