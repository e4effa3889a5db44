"""Reports settings from the environment (REPORTS_*, REGISTRY_READ_URL and the shared broker)."""
from __future__ import annotations

from celery.schedules import crontab

from services.common.settings import broker_url, env_int, env_str, secret, sqlite_url, var_dir
from services.registry.config import registry_database_url


def reports_database_url() -> str:
    return env_str("REPORTS_DATABASE_URL") or sqlite_url("reports")


def monthly_schedule(text: str, variable: str = "REPORTS_MONTHLY_SCHEDULE"):
    """A crontab string ("0 6 1 * *") or a plain number of seconds (for tests and demos)."""
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        pass
    fields = text.split()
    if len(fields) != 5:
        raise ValueError(f"{variable} tidak sah: {text!r}")
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    return crontab(minute=minute, hour=hour, day_of_month=day_of_month,
                   month_of_year=month_of_year, day_of_week=day_of_week)


# Periodic reports on beat: (report, env variable, default crontab). Each runs for the last closed
# period: the month before on the 1st, the quarter before after each quarter, the year before in January.
PERIODIC_SCHEDULES = (
    ("realisasi_bulanan", "REPORTS_REALISATION_SCHEDULE", "30 6 1 * *"),
    ("mitra_triwulan", "REPORTS_QUARTERLY_SCHEDULE", "0 7 1 1,4,7,10 *"),
    ("tahunan_kabupaten", "REPORTS_ANNUAL_SCHEDULE", "30 7 2 1 *"),
)


def periodic_beat() -> dict:
    return {f"reports-{report.replace('_', '-')}": {
        "task": "reports.periodic", "schedule": monthly_schedule(env_str(variable) or default, variable),
        "kwargs": {"payload": {"report": report}}, "options": {"queue": "reports"}}
        for report, variable, default in PERIODIC_SCHEDULES}


def load_config() -> dict:
    schedule = env_str("REPORTS_MONTHLY_SCHEDULE") or "0 6 1 * *"
    return {
        "SERVICE_NAME": "reports",
        "DATABASE_URL": reports_database_url(),
        "REGISTRY_READ_URL": env_str("REGISTRY_READ_URL") or registry_database_url(),
        "REPORTS_STORE": env_str("REPORTS_STORE") or str(var_dir() / "reports"),
        "REPORTS_STORE_MIN_FREE_MB": env_int("REPORTS_STORE_MIN_FREE_MB", 50),
        "CELERY_BROKER_URL": broker_url(),
        "SERVICE_TOKEN": secret("SERVICE_TOKEN", "demo-service-token"),
        "BEAT_SCHEDULE_FILE": str(var_dir() / "celerybeat-schedule"),
        "CELERY_BEAT_SCHEDULE": {
            "reports-monthly": {"task": "reports.monthly", "schedule": monthly_schedule(schedule),
                                "kwargs": {"payload": {}}, "options": {"queue": "reports"}},
            **periodic_beat(),
            # The complaint clock lives in the registry; this beat only sends it the tick.
            "complaints-escalate": {"task": "registry.escalate_complaints",
                                    "schedule": float(env_int("COMPLAINT_ESCALATE_EVERY", 3600)),
                                    "kwargs": {"payload": {}}, "options": {"queue": "registry"}},
            # Indicators of the last complete month, computed in the registry and stored there for good.
            "indicators-monthly": {"task": "registry.compute_indicators",
                                   "schedule": monthly_schedule(env_str("INDICATORS_SCHEDULE") or "0 5 1 * *"),
                                   "kwargs": {"payload": {}}, "options": {"queue": "registry"}},
        },
        "PORT": env_int("REPORTS_PORT", 8083),
        # Public site: the address printed in poster QR codes, CSRF secret, form rate limit, upload cap.
        "REPORTS_PUBLIC_BASE_URL": env_str("REPORTS_PUBLIC_BASE_URL") or "",
        "SECRET_KEY": secret("REPORTS_SECRET_KEY", "demo-reports-secret"),
        "PUBLIC_FORM_RATE": env_str("REPORTS_PUBLIC_FORM_RATE") or "5/hour",
        "PUBLIC_CACHE_SECONDS": env_int("REPORTS_PUBLIC_CACHE_SECONDS", 30),
        "RATELIMIT_STORAGE_URI": env_str("REPORTS_RATELIMIT_STORAGE_URI") or "memory://",
        "MAX_CONTENT_LENGTH": 3 * 1024 * 1024,
    }
