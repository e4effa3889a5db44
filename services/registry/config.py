"""Registry settings from the environment (REGISTRY_* and the shared broker settings)."""
from __future__ import annotations

from services.common.settings import broker_url, env_bool, env_int, env_str, secret, sqlite_url, var_dir


def registry_database_url() -> str:
    return env_str("REGISTRY_DATABASE_URL") or sqlite_url("registry")


def load_config() -> dict:
    return {
        "SERVICE_NAME": "registry",
        "DATABASE_URL": registry_database_url(),
        "CELERY_BROKER_URL": broker_url(),
        "SERVICE_TOKEN": secret("SERVICE_TOKEN", "demo-service-token"),
        "UPLOAD_DIR": str(var_dir() / "uploads"),
        "IMPORT_CHUNK_SIZE": env_int("REGISTRY_IMPORT_CHUNK_SIZE", 1000),
        "ENTITLEMENT_CHUNK_SIZE": env_int("REGISTRY_ENTITLEMENT_CHUNK_SIZE", 1000),
        # A job whose heartbeat is older than this is stuck: the watchdog re-sends it, /health counts it.
        "WATCHDOG_STALE_SECONDS": env_int("REGISTRY_WATCHDOG_STALE_SECONDS", 600),
        "BEAT_SCHEDULE_FILE": str(var_dir() / "registry-beat-schedule"),
        # The registry's own beat (registry_beat): only registry tasks, never the reports' schedule.
        "CELERY_BEAT_SCHEDULE": {
            "registry-watchdogs": {"task": "registry.run_watchdogs", "options": {"queue": "registry"},
                                   "schedule": float(env_int("REGISTRY_WATCHDOG_INTERVAL_SECONDS", 300)),
                                   "kwargs": {"payload": {}}},
        },
        "PORT": env_int("REGISTRY_PORT", 8081),
        # Behind nginx/TLS: believe one hop of X-Forwarded-Proto/Host/For (OpenRosa Basic needs HTTPS,
        # form download URLs need the public host). Never set when clients reach gunicorn directly.
        "TRUST_PROXY": env_bool("REGISTRY_TRUST_PROXY"),
    }
