"""All admin screens, registered in one place by ``init_views``."""
from __future__ import annotations

from flask_appbuilder import AppBuilder

from admin.roles import MENU_CAPACITY, MENU_CYCLES, MENU_EVALUATION, MENU_REGISTRY, MENU_SERVICES


def init_views(appbuilder: AppBuilder) -> None:
    """Register every view and menu entry on this app's AppBuilder."""
    from admin.views.distribution.distribution import DistributionView
    from admin.views.distribution.payments import PaymentView
    from admin.views.feedback.complaints import ComplaintView
    from admin.views.outreach.campaigns import CampaignView
    from admin.views.outreach.messaging import ChannelView, InboxView, OptOutView
    from admin.views.outreach.social import SocialChannelView, SocialPostView
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
    from admin.views.surveys.surveys import (
        InstrumentView,
        SurveyCampaignView,
        SurveyResponseView,
        SurveyView,
        WelfareView,
    )
    from admin.views.system.audit import AuditView
    from admin.views.system.watchdog import WatchdogRunView

    appbuilder.add_view(HouseholdView, "Keluarga", label="Keluarga", icon="fa-home", category=MENU_REGISTRY,
                        category_label="Registri")
    appbuilder.add_view(PersonView, "Penduduk", label="Penduduk", icon="fa-user", category=MENU_REGISTRY)
    appbuilder.add_view(ProgrammeView, "Program", label="Program", icon="fa-gift", category=MENU_REGISTRY)
    appbuilder.add_view(RecipientView, "Penerima", label="Penerima", icon="fa-users", category=MENU_REGISTRY)
    appbuilder.add_view(DistributionView, "Penyaluran", label="Penyaluran", icon="fa-qrcode",
                        category=MENU_REGISTRY)
    appbuilder.add_view(PaymentView, "Rekening Bank", label="Rekening bank", icon="fa-bank", category=MENU_REGISTRY)
    appbuilder.add_view(ImportView, "Impor Data", label="Impor data", icon="fa-upload", category=MENU_SERVICES,
                        category_label="Layanan")
    appbuilder.add_view(CampaignView, "Kampanye SMS", label="Kampanye SMS", icon="fa-envelope",
                        category=MENU_SERVICES)
    appbuilder.add_view(ChannelView, "Saluran Pesan", label="Saluran pesan", icon="fa-plug", category=MENU_SERVICES)
    appbuilder.add_view(OptOutView, "Berhenti Langganan", label="Berhenti langganan", icon="fa-ban",
                        category=MENU_SERVICES)
    appbuilder.add_view(InboxView, "Kotak Masuk", label="Kotak masuk", icon="fa-inbox", category=MENU_SERVICES)
    appbuilder.add_view(SocialChannelView, "Media Sosial", label="Media sosial", icon="fa-facebook-square",
                        category=MENU_SERVICES)
    appbuilder.add_view(SocialPostView, "Unggahan Media Sosial", label="Unggahan media sosial", icon="fa-bullhorn",
                        category=MENU_SERVICES)
    appbuilder.add_view(ReportView, "Laporan", label="Laporan", icon="fa-file-pdf-o", category=MENU_SERVICES)
    appbuilder.add_view(MapView, "Peta Kebutuhan", label="Peta kebutuhan", icon="fa-map", category=MENU_REGISTRY)
    appbuilder.add_view(RegionView, "Wilayah", label="Wilayah", icon="fa-map-o", category=MENU_REGISTRY)
    appbuilder.add_view(VillageResourceView, "Sumber Daya", label="Sumber daya & potensi", icon="fa-leaf",
                        category=MENU_REGISTRY)
    appbuilder.add_view(PersonSkillView, "Keterampilan", label="Keterampilan warga", icon="fa-wrench",
                        category=MENU_REGISTRY)
    appbuilder.add_view(SurveyView, "Entri Survei", label="Entri survei", icon="fa-pencil-square-o",
                        category=MENU_REGISTRY)
    appbuilder.add_view(WelfareView, "Kesejahteraan", label="Kesejahteraan", icon="fa-line-chart",
                        category=MENU_REGISTRY)
    appbuilder.add_view(SurveyResponseView, "Respons Survei", label="Respons survei", icon="fa-list",
                        category=MENU_REGISTRY)
    appbuilder.add_view(SurveyCampaignView, "Kampanye Survei", label="Kampanye survei", icon="fa-calendar",
                        category=MENU_REGISTRY)
    appbuilder.add_view(EnumeratorView, "Pencacah", label="Pencacah (ODK Collect)", icon="fa-mobile",
                        category=MENU_REGISTRY)
    appbuilder.add_view(InstrumentView, "Instrumen Survei", label="Instrumen survei", icon="fa-list-alt",
                        category=MENU_REGISTRY)
    appbuilder.add_view(ComplaintView, "Pengaduan", label="Pengaduan", icon="fa-bullhorn", category=MENU_REGISTRY)
    appbuilder.add_view(AuditView, "Jejak Audit", label="Jejak audit", icon="fa-history", category=MENU_REGISTRY)
    appbuilder.add_view(WatchdogRunView, "Pemantau Pekerjaan", label="Pemantau pekerjaan macet", icon="fa-heartbeat",
                        category=MENU_SERVICES)
    appbuilder.add_view(WhoGetsWhatView, "Siapa Dapat Apa", label="Siapa dapat apa", icon="fa-search",
                        category=MENU_REGISTRY)
    appbuilder.add_view(DedupView, "Kasus Data Ganda", label="Kasus data ganda", icon="fa-clone",
                        category=MENU_REGISTRY)
    appbuilder.add_view(CycleView, "Siklus Bantuan", label="Siklus bantuan", icon="fa-refresh", category=MENU_CYCLES,
                        category_label="Siklus")
    appbuilder.add_view(RuleView, "Aturan Kelayakan", label="Aturan kelayakan", icon="fa-filter", category=MENU_CYCLES)
    appbuilder.add_view(FundingStatusView, "Sumber Dana", label="Anggaran per sumber dana", icon="fa-money",
                        category=MENU_CYCLES)
    appbuilder.add_view(FundingSourceView, "Kelola Sumber Dana", label="Kelola sumber dana", icon="fa-bank",
                        category=MENU_CYCLES)
    appbuilder.add_view(ExclusionView, "Larangan Ganda", label="Larangan penerimaan ganda", icon="fa-ban",
                        category=MENU_CYCLES)
    appbuilder.add_view(ChangeRequestView, "Permintaan Perubahan", label="Permintaan perubahan", icon="fa-pencil",
                        category=MENU_CYCLES)
    # Reached from a cycle's page, not from the menu.
    appbuilder.add_view_no_menu(MusyawarahView)
    _init_capacity_views(appbuilder)
    _init_indicator_views(appbuilder)


def _init_indicator_views(appbuilder: AppBuilder) -> None:
    """Indicator dashboard, definitions and satisfaction codes."""
    from admin.views.indicators.indicators import IndicatorDashboardView, IndicatorView, SatisfactionCodeView

    appbuilder.add_view(IndicatorDashboardView, "Dasbor Indikator", label="Dasbor indikator", icon="fa-line-chart",
                        category=MENU_EVALUATION, category_label="Evaluasi")
    appbuilder.add_view(IndicatorView, "Definisi Indikator", label="Definisi indikator", icon="fa-sliders",
                        category=MENU_EVALUATION)
    appbuilder.add_view(SatisfactionCodeView, "Kode Survei Kepuasan", label="Kode survei kepuasan", icon="fa-ticket",
                        category=MENU_EVALUATION)


def _init_capacity_views(appbuilder: AppBuilder) -> None:
    """Trainings, business capital, community meetings and partners."""
    from flask_wtf.csrf import generate_csrf

    # The work screens post plain HTML forms; Flask-WTF only adds csrf_token() when CSRFProtect is on.
    appbuilder.app.jinja_env.globals.setdefault("csrf_token", generate_csrf)
    from admin.views.capacity.capital import (
        BusinessGroupMemberView,
        BusinessGroupView,
        CapitalGrantView,
        CapitalWorkView,
    )
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
    from admin.views.capacity.trainings import (
        TrainingEnrolmentView,
        TrainingSessionView,
        TrainingView,
        TrainingWorkView,
    )

    appbuilder.add_view(PartnerDashboardView, "Ruang Mitra", label="Ruang mitra", icon="fa-handshake-o",
                        category=MENU_CAPACITY, category_label="Pemberdayaan")
    appbuilder.add_view(TrainingView, "Pelatihan", label="Pelatihan", icon="fa-graduation-cap", category=MENU_CAPACITY)
    for view in (TrainingSessionView, TrainingEnrolmentView, TrainingWorkView, CapitalWorkView, MeetingWorkView,
                 BusinessGroupMemberView, MeetingAttendeeView, MeetingIssueView, MeetingDecisionView,
                 MeetingActionView, PartnerContactView, PartnerAgreementView, AgreementDocumentView):
        appbuilder.add_view_no_menu(view)
    appbuilder.add_view(TrainingFollowUpView, "Survei Lanjutan", label="Survei lanjutan pelatihan",
                        icon="fa-line-chart", category=MENU_CAPACITY)
    appbuilder.add_view(CapitalGrantView, "Modal Usaha", label="Modal usaha", icon="fa-money", category=MENU_CAPACITY)
    appbuilder.add_view(BusinessGroupView, "Kelompok Usaha", label="Kelompok usaha", icon="fa-users",
                        category=MENU_CAPACITY)
    appbuilder.add_view(CommunityMeetingView, "Rembug Warga", label="Rembug warga", icon="fa-comments",
                        category=MENU_CAPACITY)
    appbuilder.add_view(ProgrammeProposalView, "Usulan Program", label="Usulan program", icon="fa-lightbulb-o",
                        category=MENU_CAPACITY)
    appbuilder.add_link("Tindak Lanjut Terlambat", href="/meeting-work/overdue", label="Tindak lanjut terlambat",
                        icon="fa-clock-o", category=MENU_CAPACITY)
    appbuilder.add_view(OrganisationView, "Lembaga Mitra", label="Lembaga mitra", icon="fa-building",
                        category=MENU_CAPACITY)
    appbuilder.add_view(FundingApplicationView, "Pengajuan Dana", label="Pengajuan dana", icon="fa-bank",
                        category=MENU_CAPACITY)
