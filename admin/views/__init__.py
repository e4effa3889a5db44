"""All admin screens, registered in one place by ``init_views``."""
from __future__ import annotations

from flask_appbuilder import AppBuilder

from ..roles import MENU_REGISTRY, MENU_SERVICES


def init_views(appbuilder: AppBuilder) -> None:
    """Register every view and menu entry on this app's AppBuilder."""
    from .audit import AuditView
    from .campaigns import CampaignView
    from .dedup import DedupView
    from .imports import ImportView
    from .people import HouseholdView, PersonView
    from .programmes import ProgrammeView, RecipientView
    from .reports import ReportView
    from .whogets import WhoGetsWhatView

    appbuilder.add_view(HouseholdView, "Keluarga", label="Keluarga", icon="fa-home", category=MENU_REGISTRY,
                        category_label="Registri")
    appbuilder.add_view(PersonView, "Penduduk", label="Penduduk", icon="fa-user", category=MENU_REGISTRY)
    appbuilder.add_view(ProgrammeView, "Program", label="Program", icon="fa-gift", category=MENU_REGISTRY)
    appbuilder.add_view(RecipientView, "Penerima", label="Penerima", icon="fa-users", category=MENU_REGISTRY)
    appbuilder.add_view(ImportView, "Impor Data", label="Impor data", icon="fa-upload", category=MENU_SERVICES,
                        category_label="Layanan")
    appbuilder.add_view(CampaignView, "Kampanye SMS", label="Kampanye SMS", icon="fa-envelope",
                        category=MENU_SERVICES)
    appbuilder.add_view(ReportView, "Laporan", label="Laporan", icon="fa-file-pdf-o", category=MENU_SERVICES)
    appbuilder.add_view(AuditView, "Jejak Audit", label="Jejak audit", icon="fa-history", category=MENU_REGISTRY)
    appbuilder.add_view(WhoGetsWhatView, "Siapa Dapat Apa", label="Siapa dapat apa", icon="fa-search",
                        category=MENU_REGISTRY)
    appbuilder.add_view(DedupView, "Kasus Data Ganda", label="Kasus data ganda", icon="fa-clone",
                        category=MENU_REGISTRY)
