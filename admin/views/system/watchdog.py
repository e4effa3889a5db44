"""Pemantau pekerjaan: each scheduled watchdog pass of the registry beat and what it re-sent (read-only)."""
from __future__ import annotations

from flask_appbuilder.models.sqla.interface import SQLAInterface

from admin.views.base import BansosModelView
from services.registry.models import WatchdogRun


class WatchdogRunView(BansosModelView):
    datamodel = SQLAInterface(WatchdogRun)
    class_permission_name = "WatchdogRunView"
    route_base = "/pemantau"
    base_permissions = ["can_list", "can_show"]
    list_title = "Pemantau Pekerjaan Macet"
    show_title = "Putaran Pemantau"
    list_columns = ["ran_at", "entitlements", "exports", "statements", "detail"]
    show_columns = list_columns
    search_columns = ["ran_at"]
    order_columns = ["ran_at"]
    base_order = ("id", "desc")
    page_size = 50
    label_columns = {"ran_at": "Waktu", "entitlements": "Hak bantuan dilanjutkan",
                     "exports": "Ekspor batch dikirim ulang", "statements": "Hasil bank dikirim ulang",
                     "detail": "Rincian"}
