"""Kotak masuk: SMS/WhatsApp replies stored by ``registry.record_inbound``; staff only mark them handled."""
from __future__ import annotations

from flask_appbuilder.models.sqla.interface import SQLAInterface

from admin.views.system.audit import AuditedModelView
from services.registry.models import InboxMessage


class InboxView(AuditedModelView):
    datamodel = SQLAInterface(InboxMessage)
    list_title = "Kotak masuk"
    show_title = "Pesan masuk"
    edit_title = "Tandai pesan"
    base_permissions = ["can_list", "can_show", "can_edit"]
    base_order = ("received_at", "desc")
    list_columns = ["received_at", "channel", "phone", "kind", "text", "handled"]
    show_columns = ["received_at", "channel", "phone", "person_id", "kind", "text", "handled"]
    edit_columns = ["handled"]
    search_columns = ["phone", "kind", "handled", "channel"]
    label_columns = {"received_at": "Diterima", "channel": "Saluran", "phone": "No. HP", "kind": "Jenis",
                     "text": "Isi", "handled": "Sudah ditangani", "person_id": "ID penduduk"}
