"""Idempotent set-up of roles, permissions and the demo users (called by the CLI and the tests)."""
from __future__ import annotations

from flask_appbuilder import AppBuilder
from flask_appbuilder.security.manager import BaseSecurityManager
from sqlalchemy import select

from admin.roles import (
    ADMIN,
    AUDITOR,
    BPD,
    CAMAT,
    COMPLAINT_SUPERVISOR,
    DINSOS,
    KEPALA_DESA,
    MITRA_CSR,
    MITRA_LSM,
    OPERATOR,
)
from services.registry.core.areas import default_desa_code
from services.registry.models import Area, Organisation

DEMO_PASSWORD = "Demo-Kamal-2026"  # demo only; create_demo_users refuses outside demo mode
DEMO_USERS = (
    # username, first name, last name, role, organisation name
    ("admin", "Admin", "Bansos", ADMIN, None),
    ("operator", "Operator", "Desa Kamal", OPERATOR, "Pemerintah Desa Kamal"),
    ("mitra_lsm", "Mitra", "Yayasan Madura Sejahtera", MITRA_LSM, "Yayasan Madura Sejahtera"),
    ("mitra_csr", "Mitra", "PT Garam Bangkalan Lestari", MITRA_CSR, "PT Garam Bangkalan Lestari"),
    ("auditor", "Auditor", "Dinas Sosial", AUDITOR, None),
    ("kepala_desa", "Kepala Desa", "Kamal", KEPALA_DESA, "Pemerintah Desa Kamal"),
    ("bpd", "Ketua BPD", "Desa Kamal", BPD, "Pemerintah Desa Kamal"),
    ("pengawas", "Pengawas", "Pengaduan", COMPLAINT_SUPERVISOR, None),
    ("operator_gilianyar", "Operator", "Desa Gili Anyar", OPERATOR, "Pemerintah Desa Gili Anyar"),
    ("kepala_desa_gilianyar", "Kepala Desa", "Gili Anyar", KEPALA_DESA, "Pemerintah Desa Gili Anyar"),
    ("camat_kamal", "Camat", "Kamal", CAMAT, None),
    ("dinsos", "Dinas Sosial", "Kabupaten Bangkalan", DINSOS, None),
)
GILI_ANYAR, KECAMATAN_KAMAL, BANGKALAN = "35.26.04.2005", "35.26.04", "35.26"
# The area whose data each demo user works on (and everything below it); absent: every area.
DEMO_USER_AREAS = {
    "operator": None, "kepala_desa": None, "bpd": None,  # the default desa (Kamal), filled in below
    "auditor": BANGKALAN, "operator_gilianyar": GILI_ANYAR, "kepala_desa_gilianyar": GILI_ANYAR,
    "camat_kamal": KECAMATAN_KAMAL, "dinsos": BANGKALAN,
}


class DemoDataMissing(RuntimeError):
    """The organisations of the demo users are not in the registry yet."""


def init_security(appbuilder: AppBuilder) -> list[str]:
    """Create the built-in roles and sync view/menu permissions; safe to run again."""
    sm = appbuilder.sm
    # Skip the sqla manager's create_all: the tables come from admin/migrations.
    BaseSecurityManager.create_db(sm)
    appbuilder.add_permissions(update_perms=True)
    return sorted(role.name for role in sm.get_all_roles())


def create_demo_users(appbuilder: AppBuilder, password: str = DEMO_PASSWORD) -> list[str]:
    """Create (or reset) the demo users with their roles and organisations."""
    sm = appbuilder.sm
    session = sm.session
    done = []
    for username, first, last, role_name, org_name in DEMO_USERS:
        area = None
        if username in DEMO_USER_AREAS:
            code = DEMO_USER_AREAS[username] or default_desa_code()
            area = session.scalars(select(Area).where(Area.code == code)).first()
            if area is None:
                raise DemoDataMissing(f"Wilayah {code} belum ada: jalankan `bansos seed-demo` dulu")
        role = sm.find_role(role_name)
        if role is None:
            raise DemoDataMissing(f"Peran {role_name} belum ada: jalankan `bansos init-admin` dulu")
        organisation = None
        if org_name:
            organisation = session.scalars(select(Organisation).where(Organisation.name == org_name)).first()
            if organisation is None:
                raise DemoDataMissing(f"Organisasi {org_name} belum ada: jalankan `bansos seed-demo` dulu")
        user = sm.find_user(username=username)
        if user is None:
            user = sm.add_user(username, first, last, f"{username}@demo.kamal.desa.id", role, password=password)
            if not user:
                raise RuntimeError(f"Pengguna {username} gagal dibuat")
        else:
            sm.reset_password(user.id, password)
            user = sm.find_user(username=username)
        user.roles = [role]
        user.active = True
        user.organisation = organisation
        user.area = area
        session.commit()
        done.append(username)
    return done
