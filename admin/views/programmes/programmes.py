"""Program and Penerima (enrolments), scoped to a partner's own programmes with NIKs masked."""
from __future__ import annotations

from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.sqla.interface import SQLAInterface
from wtforms import SelectField, StringField
from wtforms.validators import Optional, Regexp

from admin.scoping import FilterVisibleProgrammes, kk_for_viewer, nik_for_viewer, visible_programme_ids
from admin.views.system.audit import AuditedModelView
from services.registry.core.money import rupiah as _rupiah
from services.registry.distribution import banks
from services.registry.models import Enrolment, Programme


class RecipientView(AuditedModelView):
    """Enrolments: who receives which programme. Partners see their programmes only."""

    datamodel = SQLAInterface(Enrolment)
    class_permission_name = "RecipientView"
    route_base = "/recipients"
    list_title = "Daftar Penerima"
    show_title = "Data Penerima"
    add_title = "Tambah Penerima"
    edit_title = "Ubah Penerima"
    base_filters = [["programme_id", FilterVisibleProgrammes, visible_programme_ids]]
    list_columns = ["programme", "household.no_kk", "recipient.name", "recipient.nik", "household.dusun",
                    "household.rt", "household.rw", "status"]
    show_columns = ["programme", "household.no_kk", "recipient.name", "recipient.nik", "household.dusun",
                    "household.rt", "household.rw", "status", "enrolled_on"]
    add_columns = ["programme", "household", "recipient", "status", "enrolled_on"]
    edit_columns = ["recipient", "status", "enrolled_on"]
    # No NIK or name search: a partner could probe for a full NIK by exact match.
    search_columns = ["programme", "status"]
    search_form_query_rel_fields = {"programme": [["id", FilterVisibleProgrammes, visible_programme_ids]]}
    order_columns = ["status", "enrolled_on"]
    base_order = ("id", "asc")
    label_columns = {
        "programme": "Program", "household.no_kk": "No. KK", "recipient.name": "Nama penerima",
        "recipient.nik": "NIK", "household.dusun": "Dusun", "household.rt": "RT", "household.rw": "RW",
        "status": "Status", "enrolled_on": "Terdaftar sejak", "household": "Keluarga", "recipient": "Penerima",
    }
    formatters_columns = {"recipient.nik": nik_for_viewer, "household.no_kk": kk_for_viewer}


PAYMENT_CHANNEL_LABELS = {"tunai": "Semua tunai (meja pengambilan)",
                          "bank_jika_ada": "Transfer bila rekening terverifikasi, selain itu tunai"}


class ProgrammeView(AuditedModelView):
    datamodel = SQLAInterface(Programme)
    class_permission_name = "ProgrammeView"
    route_base = "/programmes"
    list_title = "Daftar Program"
    show_title = "Data Program"
    add_title = "Tambah Program"
    edit_title = "Ubah Program"
    base_filters = [["id", FilterVisibleProgrammes, visible_programme_ids]]
    list_columns = ["code", "name", "kind", "benefit_amount", "period_start", "period_end", "status"]
    show_columns = ["code", "name", "kind", "description", "benefit_amount", "period_start", "period_end",
                    "status", "payment_channel", "paying_account", "payment_export"]
    add_columns = ["code", "name", "kind", "description", "benefit_amount", "period_start", "period_end",
                   "status", "payment_channel", "paying_account", "payment_export"]
    edit_columns = add_columns
    search_columns = ["code", "name", "status"]
    order_columns = ["code", "name", "period_start"]
    base_order = ("code", "asc")
    related_views = [RecipientView]
    label_columns = {
        "code": "Kode", "name": "Nama program", "kind": "Jenis", "description": "Keterangan",
        "benefit_amount": "Nilai bantuan", "period_start": "Mulai", "period_end": "Selesai", "status": "Status",
        "payment_channel": "Saluran pembayaran", "paying_account": "Rekening pembayar desa",
        "payment_export": "Format berkas transfer",
    }
    description_columns = {
        "payment_channel": "Berlaku untuk hak bantuan yang dibuat setelah siklus disetujui.",
        "paying_account": "Nomor rekening desa yang mendebit transfer; mutasi bank rekening lain ditolak.",
        "payment_export": "Berkas yang dibuat untuk setiap batch pembayaran; bisa diganti per batch.",
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "payment_channel": SelectField("Saluran pembayaran", choices=list(PAYMENT_CHANNEL_LABELS.items()),
                                       default="tunai", widget=Select2Widget()),
        "paying_account": StringField("Rekening pembayar desa", validators=[
            Optional(), Regexp(r"^\d{5,34}$", message="Nomor rekening harus 5-34 angka")]),
        # Only layouts with a public specification: the others cannot be written (see docs/INTEGRATIONS.md).
        "payment_export": SelectField("Format berkas transfer", choices=banks.choices(available_only=True),
                                      default=banks.DEFAULT, widget=Select2Widget()),
    }
    formatters_columns = {"benefit_amount": _rupiah,
                          "payment_channel": lambda value: PAYMENT_CHANNEL_LABELS.get(value, value or ""),
                          "payment_export": lambda value: banks.FORMATS[value].label if value in banks.FORMATS
                          else value or ""}
