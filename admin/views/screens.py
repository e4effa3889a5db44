"""Every admin screen, in menu order: one row per menu entry or menu-less view, walked by ``register_screens``.

A row's ``name`` is the menu entry's permission name (roles get ``menu_access`` on it in admin/roles.py,
so renaming one changes who sees it); ``label`` is what the menu shows. A category appears in the navbar
where its first row stands. Menu-less views (``Hidden``) are reached from another screen's page; their place
in the table only sets the order FAB registers them in.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_appbuilder import AppBuilder

from admin.roles import MENU_CAPACITY, MENU_CYCLES, MENU_EVALUATION, MENU_REGISTRY, MENU_SERVICES
from admin.views.capacity.capital import BusinessGroupMemberView, BusinessGroupView, CapitalGrantView, CapitalWorkView
from admin.views.capacity.followups import TrainingFollowUpView
from admin.views.capacity.meetings import (
    CommunityMeetingView,
    MeetingActionView,
    MeetingAttendeeView,
    MeetingDecisionView,
    MeetingIssueView,
    MeetingWorkView,
    ProgrammeProposalView,
)
from admin.views.capacity.partners import (
    AgreementDocumentView,
    FundingApplicationView,
    OrganisationView,
    PartnerAgreementView,
    PartnerContactView,
    PartnerDashboardView,
)
from admin.views.capacity.trainings import TrainingEnrolmentView, TrainingSessionView, TrainingView, TrainingWorkView
from admin.views.distribution.payments import PaymentView
from admin.views.distribution.pickup import DistributionView
from admin.views.feedback.complaints import ComplaintView
from admin.views.feedback.inbox import InboxView
from admin.views.indicators.indicators import IndicatorDashboardView, IndicatorView, SatisfactionCodeView
from admin.views.indicators.kabupaten import KabupatenDashboardView
from admin.views.outreach.campaigns import CampaignView
from admin.views.outreach.messaging import ChannelView, OptOutView
from admin.views.outreach.social import SocialChannelView, SocialPostView
from admin.views.people.areas import AreaProfileView
from admin.views.people.dedup import DedupView
from admin.views.people.imports import ImportView
from admin.views.people.map import MapView
from admin.views.people.people import HouseholdView, PersonView
from admin.views.people.resources import PersonSkillView, RegionView, VillageResourceView
from admin.views.people.whogets import WhoGetsWhatView
from admin.views.programmes.cycles import CycleView
from admin.views.programmes.funding import ChangeRequestView, ExclusionView, FundingSourceView, FundingStatusView
from admin.views.programmes.musyawarah import MusyawarahView
from admin.views.programmes.programmes import ProgrammeView, RecipientView
from admin.views.programmes.rules import RuleView
from admin.views.reports.reports import ReportView
from admin.views.surveys.enumerators import EnumeratorView
from admin.views.surveys.surveys import InstrumentView, SurveyCampaignView, SurveyResponseView, SurveyView, WelfareView
from admin.views.system.audit import AuditView
from admin.views.system.watchdog import WatchdogRunView


@dataclass(frozen=True)
class Screen:
    """A view with a menu entry."""

    view: type
    name: str
    label: str
    icon: str
    category: str


@dataclass(frozen=True)
class Link:
    """A menu entry pointing at a page of a view registered elsewhere in the table."""

    href: str
    name: str
    label: str
    icon: str
    category: str


@dataclass(frozen=True)
class Hidden:
    """Views without a menu entry."""

    views: tuple[type, ...]


R, S, C, P, E = MENU_REGISTRY, MENU_SERVICES, MENU_CYCLES, MENU_CAPACITY, MENU_EVALUATION
SCREENS: tuple[Screen | Link | Hidden, ...] = (
    Screen(HouseholdView, "Keluarga", "Keluarga", "fa-home", R),
    Screen(PersonView, "Penduduk", "Penduduk", "fa-user", R),
    Screen(ProgrammeView, "Program", "Program", "fa-gift", R),
    Screen(RecipientView, "Penerima", "Penerima", "fa-users", R),
    Screen(DistributionView, "Penyaluran", "Penyaluran", "fa-qrcode", R),
    Screen(PaymentView, "Rekening Bank", "Rekening bank", "fa-bank", R),
    Screen(ImportView, "Impor Data", "Impor data", "fa-upload", S),
    Screen(CampaignView, "Kampanye SMS", "Kampanye SMS", "fa-envelope", S),
    Screen(ChannelView, "Saluran Pesan", "Saluran pesan", "fa-plug", S),
    Screen(OptOutView, "Berhenti Langganan", "Berhenti langganan", "fa-ban", S),
    Screen(InboxView, "Kotak Masuk", "Kotak masuk", "fa-inbox", S),
    Screen(SocialChannelView, "Media Sosial", "Media sosial", "fa-facebook-square", S),
    Screen(SocialPostView, "Unggahan Media Sosial", "Unggahan media sosial", "fa-bullhorn", S),
    Screen(ReportView, "Laporan", "Laporan", "fa-file-pdf-o", S),
    Screen(MapView, "Peta Kebutuhan", "Peta kebutuhan", "fa-map", R),
    Screen(RegionView, "Wilayah", "Wilayah", "fa-map-o", R),
    Screen(AreaProfileView, "Profil Desa", "Profil desa", "fa-id-card-o", R),
    Screen(VillageResourceView, "Sumber Daya", "Sumber daya & potensi", "fa-leaf", R),
    Screen(PersonSkillView, "Keterampilan", "Keterampilan warga", "fa-wrench", R),
    Screen(SurveyView, "Entri Survei", "Entri survei", "fa-pencil-square-o", R),
    Screen(WelfareView, "Kesejahteraan", "Kesejahteraan", "fa-line-chart", R),
    Screen(SurveyResponseView, "Respons Survei", "Respons survei", "fa-list", R),
    Screen(SurveyCampaignView, "Kampanye Survei", "Kampanye survei", "fa-calendar", R),
    Screen(EnumeratorView, "Pencacah", "Pencacah (ODK Collect)", "fa-mobile", R),
    Screen(InstrumentView, "Instrumen Survei", "Instrumen survei", "fa-list-alt", R),
    Screen(ComplaintView, "Pengaduan", "Pengaduan", "fa-bullhorn", R),
    Screen(AuditView, "Jejak Audit", "Jejak audit", "fa-history", R),
    Screen(WatchdogRunView, "Pemantau Pekerjaan", "Pemantau pekerjaan macet", "fa-heartbeat", S),
    Screen(WhoGetsWhatView, "Siapa Dapat Apa", "Siapa dapat apa", "fa-search", R),
    Screen(DedupView, "Kasus Data Ganda", "Kasus data ganda", "fa-clone", R),
    Screen(CycleView, "Siklus Bantuan", "Siklus bantuan", "fa-refresh", C),
    Screen(RuleView, "Aturan Kelayakan", "Aturan kelayakan", "fa-filter", C),
    Screen(FundingStatusView, "Sumber Dana", "Anggaran per sumber dana", "fa-money", C),
    Screen(FundingSourceView, "Kelola Sumber Dana", "Kelola sumber dana", "fa-bank", C),
    Screen(ExclusionView, "Larangan Ganda", "Larangan penerimaan ganda", "fa-ban", C),
    Screen(ChangeRequestView, "Permintaan Perubahan", "Permintaan perubahan", "fa-pencil", C),
    Hidden((MusyawarahView,)),  # from a cycle's page
    Screen(PartnerDashboardView, "Ruang Mitra", "Ruang mitra", "fa-handshake-o", P),
    Screen(TrainingView, "Pelatihan", "Pelatihan", "fa-graduation-cap", P),
    # Pages and sub-lists opened from a training, grant, meeting or partner organisation.
    Hidden((TrainingSessionView, TrainingEnrolmentView, TrainingWorkView, CapitalWorkView, MeetingWorkView,
            BusinessGroupMemberView, MeetingAttendeeView, MeetingIssueView, MeetingDecisionView,
            MeetingActionView, PartnerContactView, PartnerAgreementView, AgreementDocumentView)),
    Screen(TrainingFollowUpView, "Survei Lanjutan", "Survei lanjutan pelatihan", "fa-line-chart", P),
    Screen(CapitalGrantView, "Modal Usaha", "Modal usaha", "fa-money", P),
    Screen(BusinessGroupView, "Kelompok Usaha", "Kelompok usaha", "fa-users", P),
    Screen(CommunityMeetingView, "Rembug Warga", "Rembug warga", "fa-comments", P),
    Screen(ProgrammeProposalView, "Usulan Program", "Usulan program", "fa-lightbulb-o", P),
    Link("/meeting-work/overdue", "Tindak Lanjut Terlambat", "Tindak lanjut terlambat", "fa-clock-o", P),
    Screen(OrganisationView, "Lembaga Mitra", "Lembaga mitra", "fa-building", P),
    Screen(FundingApplicationView, "Pengajuan Dana", "Pengajuan dana", "fa-bank", P),
    Screen(IndicatorDashboardView, "Dasbor Indikator", "Dasbor indikator", "fa-line-chart", E),
    Screen(KabupatenDashboardView, "Dasbor Kabupaten", "Dasbor kabupaten", "fa-map", E),
    Screen(IndicatorView, "Definisi Indikator", "Definisi indikator", "fa-sliders", E),
    Screen(SatisfactionCodeView, "Kode Survei Kepuasan", "Kode survei kepuasan", "fa-ticket", E),
)


def register_screens(appbuilder: AppBuilder, screens=SCREENS) -> None:
    """Register each row on ``appbuilder`` in table order (FAB builds the menu in call order)."""
    for row in screens:
        if isinstance(row, Hidden):
            for view in row.views:
                appbuilder.add_view_no_menu(view)
        elif isinstance(row, Link):
            appbuilder.add_link(row.name, href=row.href, label=row.label, icon=row.icon, category=row.category)
        else:
            appbuilder.add_view(row.view, row.name, label=row.label, icon=row.icon, category=row.category)
