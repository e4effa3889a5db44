"""Role names and FAB_ROLES: which view and permission names each built-in role may use.

Each entry is ``[view_regex, permission_regex]`` matched with ``re.match``; every regex ends in ``$``
so that, for instance, "Program" never grants "ProgrammeView".
"""
from __future__ import annotations

ADMIN = "Admin"
OPERATOR = "Operator Desa"
MITRA_LSM = "Mitra LSM"
MITRA_CSR = "Mitra CSR"
AUDITOR = "Auditor"
KEPALA_DESA = "Kepala Desa"
BPD = "BPD"
# Staff above the village: they read the villages of their kecamatan or kabupaten (the user's area).
CAMAT = "Camat"
PENDAMPING = "Pendamping"
DINSOS = "Dinas Sosial"
# Reads sensitive complaints (pungli, nepotisme) and moves them along; Admin and Auditor read them too.
COMPLAINT_SUPERVISOR = "Pengawas Pengaduan"
SENSITIVE_COMPLAINT_ROLES = frozenset({ADMIN, AUDITOR, COMPLAINT_SUPERVISOR})

# Partners see only the programmes their organisation funds or runs; everyone else sees all.
PARTNER_ROLES = frozenset({MITRA_LSM, MITRA_CSR})
# Roles that see full NIKs and every programme.
# The kepala desa and the BPD decide the list by name and NIK, so they see it in full.
UNSCOPED_ROLES = frozenset({ADMIN, OPERATOR, AUDITOR, KEPALA_DESA, BPD, CAMAT, PENDAMPING, DINSOS})

# Menu names (not labels) used when views are registered; menu_access is granted on these.
MENU_REGISTRY = "Registri"
MENU_SERVICES = "Layanan"
MENU_CYCLES = "Siklus"

# Cycle screens (admin/views/programmes/cycles.py, musyawarah.py, rules.py, funding.py). Permissions by step:
# prepare = candidates, usul/sanggah, change-request proposals (operator); record = musyawarah (BPD);
# approve = freeze a cycle and decide change requests (kepala desa); list/show/download = read.
_CYCLE_MENUS = "Siklus Bantuan|Aturan Kelayakan|Sumber Dana|Kelola Sumber Dana|Larangan Ganda|Permintaan Perubahan"
_READ_CYCLES = [
    ["(CycleView|MusyawarahView|RuleView)$", "can_(list|show|download)$"],
    ["(FundingSourceView|ExclusionView|ChangeRequestView)$", "can_(list|show)$"],
]
_READ_REGISTRY = [
    ["(HouseholdView|PersonView|ProgrammeView|RecipientView|AuditView)$", "can_(list|show)$"],
    ["(Registri|Layanan|Siklus|Keluarga|Penduduk|Program|Penerima|Jejak Audit|" + _CYCLE_MENUS + ")$",
     "menu_access$"],
]

MENU_CAPACITY = "Pemberdayaan"
MENU_EVALUATION = "Evaluasi"

# Indicators: staff define them; everyone with a login reads the dashboard and the evaluation
# (partners: their programmes only, masked NIK, checked in the view); codes are village staff work.
_INDICATOR_MENUS = "Evaluasi|Dasbor Indikator|Definisi Indikator|Kode Survei Kepuasan"
_READ_INDICATORS = [
    ["IndicatorView$", "can_(list|show)$"],
    ["IndicatorDashboardView$", "can_(list|evaluate)$"],
    ["SatisfactionCodeView$", "can_list$"],
    [f"({_INDICATOR_MENUS})$", "menu_access$"],
]

# Trainings, capital, meetings, partners: village staff do everything; partners record their
# own trainings (object-level scoping in the views); auditors read.
# Two groups: FAB stores each regex string in ab_view_menu.name, a VARCHAR(250) on PostgreSQL.
_TRAINING_VIEWS = "TrainingView|TrainingSessionView|TrainingEnrolmentView|TrainingFollowUpView|PartnerDashboardView"
_OTHER_CAPACITY_VIEWS = ("CapitalGrantView|BusinessGroupView|CommunityMeetingView|ProgrammeProposalView|PartnerView|"
                         "FundingApplicationView")
_WORK_VIEWS = "TrainingWorkView|CapitalWorkView|MeetingWorkView"
_CAPACITY_MENUS = ("Pemberdayaan|Ruang Mitra|Pelatihan|Modal Usaha|Kelompok Usaha|Rembug Warga|Usulan Program|"
                   "Tindak Lanjut Terlambat|Lembaga Mitra|Pengajuan Dana|Survei Lanjutan")

_SELF_SERVICE = [
    ["UserDBModelView$", "can_userinfo$"],
    ["(ResetMyPasswordView|UserInfoEditView)$", "can_this_form_(get|post)$"],
]

FAB_ROLES = {
    ADMIN: [[".*", ".*"]],
    OPERATOR: [
        ["(HouseholdView|PersonView|ProgrammeView|RecipientView|ImportView|CampaignView|ReportView|DedupView)$",
         "can_[a-z_]+$"],
        ["AuditView$", "can_(list|show|verify)$"],
        ["WatchdogRunView$", "can_(list|show)$"],
        ["Pemantau Pekerjaan$", "menu_access$"],
        ["(VillageResourceView|PersonSkillView)$", "can_[a-z_]+$"],
        ["RegionView$", "can_(list|show)$"],
        ["AreaProfileView$", "can_(list|show|edit)$"],
        ["Profil Desa$", "menu_access$"],
        ["MapView$", "can_(map|points)$"],
        ["(Registri|Layanan|Keluarga|Penduduk|Program|Penerima|Impor Data|Kampanye SMS|Laporan|Jejak Audit)$",
         "menu_access$"],
        ["(Peta Kebutuhan|Wilayah|Sumber Daya|Keterampilan)$", "menu_access$"],
        ["(CycleView|RuleView)$", "can_(list|show|download|prepare|add|edit)$"],
        ["MusyawarahView$", "can_(list|show|download)$"],
        ["(FundingSourceView|ExclusionView)$", "can_[a-z_]+$"],
        ["ChangeRequestView$", "can_(list|show)$"],
        ["(Siklus|" + _CYCLE_MENUS + ")$", "menu_access$"],
        ["SurveyView$", "can_(list|show|add|rescore)$"],
        ["(SurveyCampaignView|EnumeratorView)$", "can_(list|show|add|edit)$"],
        ["Pencacah$", "menu_access$"],
        ["(InstrumentView|SurveyResponseView|WelfareView)$", "can_(list|show)$"],
        ["(Entri Survei|Kesejahteraan|Respons Survei|Instrumen Survei|Kampanye Survei)$", "menu_access$"],
        ["(DistributionView|PaymentView)$", "can_(list|pickup|cards|manage|download)$"],
        ["(Penyaluran|Rekening Bank)$", "menu_access$"],
        ["(ChannelView|OptOutView|InboxView|ComplaintView|SocialChannelView|SocialPostView)$", "can_[a-z_]+$"],
        ["(Saluran Pesan|Berhenti Langganan|Kotak Masuk|Pengaduan|Media Sosial|Unggahan Media Sosial)$",
         "menu_access$"],
        [f"({_TRAINING_VIEWS}|{_WORK_VIEWS})$", "can_[a-z_]+$"],
        [f"({_OTHER_CAPACITY_VIEWS})$", "can_[a-z_]+$"],
        [f"({_CAPACITY_MENUS})$", "menu_access$"],
        ["ComplaintView$", "can_(list|show|add|step|overdue|export)$"],
        ["DedupView$", "can_[a-z_]+$"],
        ["WhoGetsWhatView$", "can_(list|show)$"],
        ["(Siapa Dapat Apa|Kasus Data Ganda)$", "menu_access$"],
        ["(IndicatorView|IndicatorDashboardView|SatisfactionCodeView)$", "can_[a-z_]+$"],
        [f"({_INDICATOR_MENUS})$", "menu_access$"],
        *_SELF_SERVICE,
    ],
    KEPALA_DESA: [
        *_READ_CYCLES,
        ["CycleView$", "can_approve$"],
        ["AreaProfileView$", "can_(list|show|edit)$"],
        ["Profil Desa$", "menu_access$"],
        *_READ_REGISTRY,
        *_READ_INDICATORS,
        *_SELF_SERVICE,
    ],
    BPD: [
        *_READ_CYCLES,
        ["MusyawarahView$", "can_record$"],
        *_READ_REGISTRY,
        *_READ_INDICATORS,
        *_SELF_SERVICE,
    ],
    MITRA_LSM: [
        ["(ProgrammeView|RecipientView)$", "can_(list|show)$"],
        ["WhoGetsWhatView$", "can_list$"],
        ["ReportView$", "can_(list|runs|download)$"],
        # The map's aggregate layer only (small counts suppressed); no household points.
        ["MapView$", "can_map$"],
        ["(Registri|Layanan|Program|Penerima|Laporan|Peta Kebutuhan)$", "menu_access$"],
        ["(Registri|Layanan|Program|Penerima|Laporan)$", "menu_access$"],
        # Their own programmes' cycles (masked NIKs) and funding; no musyawarah documents (full NIK).
        ["CycleView$", "can_(list|show)$"],
        ["FundingSourceView$", "can_(list|show)$"],
        ["(Siklus|Siklus Bantuan|Sumber Dana)$", "menu_access$"],
        # Partners record pickups for their own programmes only (checked per cycle in the view).
        ["DistributionView$", "can_(list|pickup|cards)$"],
        ["Penyaluran$", "menu_access$"],
        ["(TrainingView|TrainingSessionView)$", "can_(list|show|add|edit)$"],
        ["TrainingFollowUpView$", "can_(list|show|edit)$"],
        ["TrainingEnrolmentView$", "can_(list|show)$"],
        ["(TrainingWorkView|PartnerDashboardView)$", "can_(work|list)$"],
        ["(Pemberdayaan|Ruang Mitra|Pelatihan|Survei Lanjutan)$", "menu_access$"],
        # Who-gets-what search: their own programmes only, masked NIK/KK (checked in the view).
        ["WhoGetsWhatView$", "can_(list|show)$"],
        ["Siapa Dapat Apa$", "menu_access$"],
        # Indicator dashboard and evaluation of their own programmes (filtered in the view).
        ["IndicatorDashboardView$", "can_(list|evaluate)$"],
        ["(Evaluasi|Dasbor Indikator)$", "menu_access$"],
        *_SELF_SERVICE,
    ],
    AUDITOR: [
        ["(HouseholdView|PersonView|ProgrammeView|RecipientView)$", "can_(list|show)$"],
        ["AuditView$", "can_(list|show|export|verify)$"],
        ["WatchdogRunView$", "can_(list|show)$"],
        ["Pemantau Pekerjaan$", "menu_access$"],
        ["(SurveyView|InstrumentView|SurveyResponseView|WelfareView|SurveyCampaignView)$", "can_(list|show)$"],
        ["(Entri Survei|Kesejahteraan|Respons Survei|Instrumen Survei|Kampanye Survei)$", "menu_access$"],
        ["EnumeratorView$", "can_(list|show)$"],
        ["Pencacah$", "menu_access$"],
        ["ReportView$", "can_(list|runs|download)$"],
        ["DistributionView$", "can_list$"],
        ["PaymentView$", "can_(list|download)$"],
        ["(Penyaluran|Rekening Bank)$", "menu_access$"],
        ["(Registri|Layanan|Keluarga|Penduduk|Program|Penerima|Laporan|Jejak Audit)$", "menu_access$"],
        ["(RegionView|VillageResourceView|PersonSkillView)$", "can_(list|show)$"],
        ["MapView$", "can_(map|points)$"],
        ["(Peta Kebutuhan|Wilayah|Sumber Daya|Keterampilan)$", "menu_access$"],
        *_READ_CYCLES,
        ["(Siklus|" + _CYCLE_MENUS + ")$", "menu_access$"],
        ["InboxView$", "can_(list|show)$"],
        ["ComplaintView$", "can_(list|show|overdue|export)$"],
        ["(Kotak Masuk|Pengaduan)$", "menu_access$"],
        # Public announcements: what was posted where, and when (reading only).
        ["SocialPostView$", "can_list$"],
        ["Unggahan Media Sosial$", "menu_access$"],
        [f"({_TRAINING_VIEWS})$", "can_(list|show)$"],
        [f"({_OTHER_CAPACITY_VIEWS})$", "can_(list|show)$"],
        [f"({_CAPACITY_MENUS})$", "menu_access$"],
        ["(DedupView|WhoGetsWhatView)$", "can_(list|show)$"],
        ["(Siapa Dapat Apa|Kasus Data Ganda)$", "menu_access$"],
        *_READ_INDICATORS,
        *_SELF_SERVICE,
    ],
}
FAB_ROLES[MITRA_CSR] = FAB_ROLES[MITRA_LSM]
# Kecamatan staff read what their villages do (lists, cycles, reports, map, who gets what); no changes.
_READ_ABOVE_VILLAGE = [
    *_READ_CYCLES,
    *_READ_REGISTRY,
    *_READ_INDICATORS,
    ["ReportView$", "can_(list|runs|download)$"],
    ["(RegionView|VillageResourceView)$", "can_(list|show)$"],
    ["MapView$", "can_(map|points)$"],
    ["DistributionView$", "can_list$"],
    ["(DedupView|WhoGetsWhatView)$", "can_(list|show)$"],
    ["ComplaintView$", "can_(list|show|overdue)$"],
    ["(Laporan|Peta Kebutuhan|Wilayah|Sumber Daya|Penyaluran|Siapa Dapat Apa|Kasus Data Ganda|Pengaduan)$",
     "menu_access$"],
]
FAB_ROLES[CAMAT] = [*_READ_ABOVE_VILLAGE, *_SELF_SERVICE]
FAB_ROLES[PENDAMPING] = [*_READ_ABOVE_VILLAGE, *_SELF_SERVICE]
# Dinas Sosial reads the kabupaten and runs its programmes: programmes, their cycles (prepare and
# approve), rules and funding; the villages' own rows stay read-only by role (households, persons).
FAB_ROLES[DINSOS] = [
    *_READ_ABOVE_VILLAGE,
    ["ProgrammeView$", "can_(list|show|add|edit)$"],
    ["CycleView$", "can_(list|show|download|prepare|add|edit|approve)$"],
    ["RuleView$", "can_(list|show|download|prepare|add|edit)$"],
    ["FundingSourceView$", "can_[a-z_]+$"],
    ["ReportView$", "can_[a-z_]+$"],
    *_SELF_SERVICE,
]
FAB_ROLES[COMPLAINT_SUPERVISOR] = [
    ["ComplaintView$", "can_(list|show|add|step|overdue|export)$"],
    ["(Registri|Pengaduan)$", "menu_access$"],
    *_SELF_SERVICE,
]

# The kabupaten dashboard: read by Dinas Sosial and the camat (their area scope narrows it to their villages);
# Admin has every view. Added to whatever else these roles hold.
KABUPATEN_DASHBOARD = [["KabupatenDashboardView$", "can_list$"], ["(Evaluasi|Dasbor Kabupaten)$", "menu_access$"]]
for _role in (DINSOS, CAMAT, PENDAMPING):
    FAB_ROLES[_role] = [*FAB_ROLES[_role], *KABUPATEN_DASHBOARD]
