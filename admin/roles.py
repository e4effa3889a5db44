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

_SELF_SERVICE = [
    ["UserDBModelView$", "can_userinfo$"],
    ["(ResetMyPasswordView|UserInfoEditView)$", "can_this_form_(get|post)$"],
]

FAB_ROLES = {
    ADMIN: [[".*", ".*"]],
    OPERATOR: [
        ["(HouseholdView|PersonView|ProgrammeView|RecipientView|ImportView|CampaignView|ReportView|DedupView)$",
         "can_[a-z_]+$"],
        ["(AuditView|WhoGetsWhatView)$", "can_(list|show)$"],
        ["(Registri|Layanan|Keluarga|Penduduk|Program|Penerima|Impor Data|Kampanye SMS|Laporan|Jejak Audit"
         "|Siapa Dapat Apa|Kasus Data Ganda)$", "menu_access$"],
        *_SELF_SERVICE,
    ],
    MITRA_LSM: [
        ["(ProgrammeView|RecipientView)$", "can_(list|show)$"],
        ["WhoGetsWhatView$", "can_list$"],
        ["ReportView$", "can_(list|runs|download)$"],
        ["(Registri|Layanan|Program|Penerima|Laporan|Siapa Dapat Apa)$", "menu_access$"],
        *_SELF_SERVICE,
    ],
    AUDITOR: [
        ["(HouseholdView|PersonView|ProgrammeView|RecipientView|AuditView|DedupView|WhoGetsWhatView)$",
         "can_(list|show)$"],
        ["ReportView$", "can_(list|runs|download)$"],
        ["(Registri|Layanan|Keluarga|Penduduk|Program|Penerima|Laporan|Jejak Audit|Siapa Dapat Apa"
         "|Kasus Data Ganda)$", "menu_access$"],
        *_SELF_SERVICE,
    ],
}
FAB_ROLES[MITRA_CSR] = FAB_ROLES[MITRA_LSM]
