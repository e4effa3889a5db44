"""Admin settings from the environment: registry database, service URLs, secrets, FAB options."""
from __future__ import annotations

from datetime import timedelta

from admin.hardening import password_policy
from services.common.settings import broker_url, demo_mode, env_bool, env_int, env_str, secret, var_dir
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
        # The public site's address as the world sees it: social posts link to its pages and chart images.
        "REPORTS_PUBLIC_BASE_URL": (env_str("REPORTS_PUBLIC_BASE_URL") or "").rstrip("/"),
        "SERVICE_TOKEN": secret("SERVICE_TOKEN", "demo-service-token"),
        "SERVICE_API_TIMEOUT": env_int("ADMIN_SERVICE_API_TIMEOUT", 10),
        "PORT": env_int("ADMIN_PORT", 8080),
        "UPLOAD_DIR": str(var_dir() / "uploads"),
        # FAB's own file/image download endpoints read these; unset they answer 500.
        "UPLOAD_FOLDER": str(var_dir() / "uploads" / "fab"),
        "IMG_UPLOAD_FOLDER": str(var_dir() / "uploads" / "fab-img"),
        "MAX_CONTENT_LENGTH": env_int("ADMIN_MAX_UPLOAD_MB", 50) * 1024 * 1024,
        # Recipients per notifications.send_batch task (the contract allows up to 1000): fewer, larger batches
        # mean fewer claims, statements and broker round trips per campaign.
        "CAMPAIGN_BATCH_SIZE": env_int("CAMPAIGN_BATCH_SIZE", 1000),
        # Followed by the user's desa, or the kabupaten for staff above the village (admin.extensions).
        "APP_NAME": "Bansos",
        # The public satisfaction form linked in the SMS with each one-time code.
        "PUBLIC_SURVEY_URL": ((env_str("REPORTS_PUBLIC_BASE_URL")
                               or f"http://127.0.0.1:{env_int('REPORTS_PORT', 8083)}").rstrip("/") + "/publik/survei"),
        # Base map tiles, e.g. "https://tile.openstreetmap.org/{z}/{x}/{y}.png"; blank: boundaries on a plain
        # background, which works offline.
        "MAP_TILES_URL": env_str("ADMIN_MAP_TILES_URL") or "",
        "MAP_TILES_ATTRIBUTION": env_str("ADMIN_MAP_TILES_ATTRIBUTION") or "",
        "BABEL_DEFAULT_LOCALE": "id",
        "LANGUAGES": LANGUAGES,
        "FAB_SECURITY_MANAGER_CLASS": "admin.security.BansosSecurityManager",
        "FAB_INDEX_VIEW": "admin.views.system.home.HomeView",
        # Tables come from admin/migrations, roles and permissions from `bansos init-admin`.
        "FAB_CREATE_DB": False,
        "FAB_UPDATE_PERMS": env_bool("FAB_UPDATE_PERMS", False),
        "FAB_ADD_SECURITY_API": False,
        "AUTH_ROLE_ADMIN": "Admin",
        "AUTH_ROLE_PUBLIC": "Public",
        "WTF_CSRF_ENABLED": env_bool("ADMIN_CSRF_ENABLED", True),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Secure cookies need HTTPS (nginx in production); the embedded demo is plain http://127.0.0.1.
        "SESSION_COOKIE_SECURE": env_bool("ADMIN_COOKIE_SECURE", not demo_mode()),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": env_bool("ADMIN_COOKIE_SECURE", not demo_mode()),
        "PERMANENT_SESSION_LIFETIME": timedelta(minutes=env_int("ADMIN_SESSION_MINUTES", 30)),
        "AUTH_RATE_LIMITED": env_bool("ADMIN_LOGIN_RATE_LIMITED", True),
        "AUTH_RATE_LIMIT": env_str("ADMIN_LOGIN_RATE_LIMIT") or "10 per minute",
        "RATELIMIT_STORAGE_URI": _rate_limit_storage(),
        "RATELIMIT_HEADERS_ENABLED": True,
        "ADMIN_LOGIN_MAX_FAILURES": env_int("ADMIN_LOGIN_MAX_FAILURES", 5),
        "ADMIN_LOCKOUT_MINUTES": env_int("ADMIN_LOCKOUT_MINUTES", 15),
        "FAB_PASSWORD_COMPLEXITY_ENABLED": True,
        "FAB_PASSWORD_COMPLEXITY_VALIDATOR": password_policy,
        "ADMIN_MAP_TILES_URL": env_str("ADMIN_MAP_TILES_URL"),
    }


def _rate_limit_storage() -> str:
    """Shared by every gunicorn worker through Redis when there is one; per process otherwise."""
    broker = broker_url()
    return broker if broker.startswith("redis") else "memory://"
