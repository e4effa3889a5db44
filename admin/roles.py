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

# Partners see only the programmes their organisation funds or runs; everyone else sees all.
PARTNER_ROLES = frozenset({MITRA_LSM, MITRA_CSR})
# Roles that see full NIKs and every programme.
UNSCOPED_ROLES = frozenset({ADMIN, OPERATOR, AUDITOR})

# Menu names (not labels) used when views are registered; menu_access is granted on these.
MENU_REGISTRY = "Registri"
MENU_SERVICES = "Layanan"
MENU_CAPACITY = "Pemberdayaan"

# Issue 7 (trainings, capital, meetings, partners): village staff do everything; partners record their
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
        ["(HouseholdView|PersonView|ProgrammeView|RecipientView|ImportView|CampaignView|ReportView)$",
         "can_[a-z_]+$"],
        ["AuditView$", "can_(list|show|verify)$"],
        ["(Registri|Layanan|Keluarga|Penduduk|Program|Penerima|Impor Data|Kampanye SMS|Laporan|Jejak Audit)$",
         "menu_access$"],
        [f"({_TRAINING_VIEWS}|{_WORK_VIEWS})$", "can_[a-z_]+$"],
        [f"({_OTHER_CAPACITY_VIEWS})$", "can_[a-z_]+$"],
        [f"({_CAPACITY_MENUS})$", "menu_access$"],
        *_SELF_SERVICE,
    ],
    MITRA_LSM: [
        ["(ProgrammeView|RecipientView)$", "can_(list|show)$"],
        ["ReportView$", "can_(list|runs|download)$"],
        ["(Registri|Layanan|Program|Penerima|Laporan)$", "menu_access$"],
        ["(TrainingView|TrainingSessionView)$", "can_(list|show|add|edit)$"],
        ["TrainingFollowUpView$", "can_(list|show|edit)$"],
        ["TrainingEnrolmentView$", "can_(list|show)$"],
        ["(TrainingWorkView|PartnerDashboardView)$", "can_(work|list)$"],
        ["(Pemberdayaan|Ruang Mitra|Pelatihan|Survei Lanjutan)$", "menu_access$"],
        *_SELF_SERVICE,
    ],
    AUDITOR: [
        ["(HouseholdView|PersonView|ProgrammeView|RecipientView)$", "can_(list|show)$"],
        ["AuditView$", "can_(list|show|export|verify)$"],
        ["ReportView$", "can_(list|runs|download)$"],
        ["(Registri|Layanan|Keluarga|Penduduk|Program|Penerima|Laporan|Jejak Audit)$", "menu_access$"],
        [f"({_TRAINING_VIEWS})$", "can_(list|show)$"],
        [f"({_OTHER_CAPACITY_VIEWS})$", "can_(list|show)$"],
        [f"({_CAPACITY_MENUS})$", "menu_access$"],
        *_SELF_SERVICE,
    ],
}
FAB_ROLES[MITRA_CSR] = FAB_ROLES[MITRA_LSM]
