"""Notifications settings from the environment (NOTIFICATIONS_*, SMS_* and the shared broker settings)."""
from __future__ import annotations

from services.common.settings import broker_url, demo_mode, env_int, env_str, secret, sqlite_url, var_dir


def _env_float(name: str, default: float) -> float:
    return float(env_str(name) or default)


def notifications_database_url() -> str:
    return env_str("NOTIFICATIONS_DATABASE_URL") or sqlite_url("notifications")


def load_config() -> dict:
    return {
        "SERVICE_NAME": "notifications",
        "DATABASE_URL": notifications_database_url(),
        "CELERY_BROKER_URL": broker_url(),
        "SERVICE_TOKEN": secret("SERVICE_TOKEN", "demo-service-token"),
        "SMS_GATEWAY_URL": env_str("SMS_GATEWAY_URL"),
        "SMS_GATEWAY_TOKEN": env_str("SMS_GATEWAY_TOKEN"),
        "SMS_GATEWAY_TIMEOUT": env_int("SMS_GATEWAY_TIMEOUT", 10),
        "SMS_SENDER_ID": env_str("SMS_SENDER_ID", "DESAKAMAL"),
        "OUTBOX_DIR": env_str("OUTBOX_DIR") or str(var_dir() / "outbox"),
        "MAX_ATTEMPTS": env_int("NOTIFICATIONS_MAX_ATTEMPTS", 5),
        # A claim not renewed for this long belongs to a dead run (runs renew every ~5 s).
        "SENDING_STALE_SECONDS": env_int("NOTIFICATIONS_SENDING_STALE_SECONDS", 30),
        "RETRY_BASE_SECONDS": env_int("NOTIFICATIONS_RETRY_BASE_SECONDS", 2),
        "PORT": env_int("NOTIFICATIONS_PORT", 8082),
        "SMS_GATEWAY_DEDUPES_REFERENCE": env_str("SMS_GATEWAY_DEDUPES_REFERENCE", "1") not in ("0", "false", "no"),
        # Messages per second per channel shared by all workers (0 = no limit); Redis from the broker URL
        # or NOTIFICATIONS_RATE_LIMIT_REDIS_URL.
        "RATE_LIMIT": _env_float("NOTIFICATIONS_RATE_LIMIT", 0),
        "RATE_LIMIT_REDIS_URL": env_str("NOTIFICATIONS_RATE_LIMIT_REDIS_URL"),
        # Local (Asia/Jakarta) hours with no SMS/WhatsApp; empty = none. Off by default in demo mode so a
        # demo (and the test suite) behaves the same at any hour; set it explicitly to try it.
        "QUIET_HOURS": env_str("NOTIFICATIONS_QUIET_HOURS", "" if demo_mode() else "21:00-06:00"),
        "SMS_PROVIDER": env_str("SMS_PROVIDER"),
        "ZENZIVA_USERKEY": env_str("ZENZIVA_USERKEY"),
        "ZENZIVA_PASSKEY": env_str("ZENZIVA_PASSKEY"),
        "GAMMU_OUTBOX": env_str("GAMMU_OUTBOX") or "/var/spool/gammu/outbox",
        "GAMMU_INBOX": env_str("GAMMU_INBOX") or "/var/spool/gammu/inbox",
        "WHATSAPP_GRAPH_URL": env_str("WHATSAPP_GRAPH_URL"),
        "WHATSAPP_API_VERSION": env_str("WHATSAPP_API_VERSION"),
        "WHATSAPP_PHONE_ID": env_str("WHATSAPP_PHONE_ID"),
        "WHATSAPP_TOKEN": env_str("WHATSAPP_TOKEN"),
        "WHATSAPP_TEMPLATE": env_str("WHATSAPP_TEMPLATE"),
        "WHATSAPP_APP_SECRET": env_str("WHATSAPP_APP_SECRET"),
        "WHATSAPP_VERIFY_TOKEN": env_str("WHATSAPP_VERIFY_TOKEN"),
        "SMTP_HOST": env_str("SMTP_HOST"),
        "SMTP_PORT": env_int("SMTP_PORT", 25),
        "SMTP_SENDER": env_str("SMTP_SENDER"),
        "SMTP_USERNAME": env_str("SMTP_USERNAME"),
        "SMTP_PASSWORD": env_str("SMTP_PASSWORD"),
        "INBOUND_SMS_TOKEN": env_str("INBOUND_SMS_TOKEN"),
        # Secret in the delivery-report URL set in the Zenziva console (falls back to INBOUND_SMS_TOKEN).
        "ZENZIVA_CALLBACK_TOKEN": env_str("ZENZIVA_CALLBACK_TOKEN"),
        # Facebook Page and Instagram (Graph API); the Page token also publishes to the linked Instagram account.
        "FACEBOOK_GRAPH_URL": env_str("FACEBOOK_GRAPH_URL"),
        "FACEBOOK_API_VERSION": env_str("FACEBOOK_API_VERSION"),
        "FACEBOOK_PAGE_ID": env_str("FACEBOOK_PAGE_ID"),
        "FACEBOOK_PAGE_TOKEN": env_str("FACEBOOK_PAGE_TOKEN"),
        "INSTAGRAM_USER_ID": env_str("INSTAGRAM_USER_ID"),
        "SOCIAL_MAX_ATTEMPTS": env_int("NOTIFICATIONS_SOCIAL_MAX_ATTEMPTS", 6),
        "SEND_CONCURRENCY": env_int("NOTIFICATIONS_SEND_CONCURRENCY", 8),
        "RECORD_EVERY": env_int("NOTIFICATIONS_RECORD_EVERY", 100),
        # A chunk still queued this long after its task was sent is sent again (the task may be lost).
        "CHUNK_REQUEUE_SECONDS": env_int("NOTIFICATIONS_CHUNK_REQUEUE_SECONDS", 300),
        "BEAT_SCHEDULE_FILE": str(var_dir() / "notifications-beat-schedule"),
        # The notifications beat (notifications_beat): only its own watchdog.
        "CELERY_BEAT_SCHEDULE": {
            "notifications-watchdog": {"task": "notifications.run_watchdog", "options": {"queue": "notifications"},
                                       "schedule": float(env_int("NOTIFICATIONS_WATCHDOG_INTERVAL_SECONDS", 30)),
                                       "kwargs": {"payload": {}}},
        },
    }
