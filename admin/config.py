"""Admin settings from the environment: registry database, service URLs, secrets, FAB options."""
from __future__ import annotations

from services.common.settings import broker_url, env_bool, env_int, env_str, secret, var_dir
from services.registry.config import registry_database_url

# FAB's own strings have no Indonesian catalogue upstream; admin/translations carries ours.
LANGUAGES = {
    "id": {"flag": "id", "name": "Bahasa Indonesia"},
    "en": {"flag": "gb", "name": "English"},
}


def load_config() -> dict:
    return {
        "SERVICE_NAME": "admin",
        "SECRET_KEY": secret("ADMIN_SECRET_KEY", "demo-admin-secret-key-ganti-di-produksi"),
        "SQLALCHEMY_DATABASE_URI": registry_database_url(),
        "CELERY_BROKER_URL": broker_url(),
        "NOTIFICATIONS_API_URL": (env_str("NOTIFICATIONS_API_URL") or "http://127.0.0.1:8082").rstrip("/"),
        "REPORTS_API_URL": (env_str("REPORTS_API_URL") or "http://127.0.0.1:8083").rstrip("/"),
        "SERVICE_TOKEN": secret("SERVICE_TOKEN", "demo-service-token"),
        "SERVICE_API_TIMEOUT": env_int("ADMIN_SERVICE_API_TIMEOUT", 10),
        "PORT": env_int("ADMIN_PORT", 8080),
        "UPLOAD_DIR": str(var_dir() / "uploads"),
        "MAX_CONTENT_LENGTH": env_int("ADMIN_MAX_UPLOAD_MB", 50) * 1024 * 1024,
        "CAMPAIGN_BATCH_SIZE": 500,
        "APP_NAME": "Bansos Desa Kamal",
        # Base map tiles, e.g. "https://tile.openstreetmap.org/{z}/{x}/{y}.png"; blank: boundaries on a plain
        # background, which works offline.
        "MAP_TILES_URL": env_str("ADMIN_MAP_TILES_URL") or "",
        "MAP_TILES_ATTRIBUTION": env_str("ADMIN_MAP_TILES_ATTRIBUTION") or "",
        "BABEL_DEFAULT_LOCALE": "id",
        "LANGUAGES": LANGUAGES,
        "FAB_SECURITY_MANAGER_CLASS": "admin.security.BansosSecurityManager",
        "FAB_INDEX_VIEW": "admin.views.home.HomeView",
        # Tables come from admin/migrations, roles and permissions from `bansos init-admin`.
        "FAB_CREATE_DB": False,
        "FAB_UPDATE_PERMS": env_bool("FAB_UPDATE_PERMS", False),
        "FAB_ADD_SECURITY_API": False,
        "AUTH_ROLE_ADMIN": "Admin",
        "AUTH_ROLE_PUBLIC": "Public",
        "WTF_CSRF_ENABLED": env_bool("ADMIN_CSRF_ENABLED", True),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
    }
