"""Typed settings read from the environment, shared by every service's own config."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


class SettingsError(RuntimeError):
    """A required setting is missing or malformed."""


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value in (None, ""):
        if required:
            raise SettingsError(f"Variabel lingkungan {name} wajib diisi")
        return default
    return value


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"Variabel lingkungan {name} harus berupa angka, bukan {raw!r}") from exc


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    return raw.strip().lower() in {"1", "true", "yes", "ya", "on"}


def var_dir() -> Path:
    """Runtime state (SQLite files, broker folders, outbox, uploads, artifacts)."""
    path = Path(env_str("BANSOS_VAR") or REPO_ROOT / "var")
    path.mkdir(parents=True, exist_ok=True)
    return path


def sqlite_url(name: str) -> str:
    return f"sqlite:///{var_dir() / (name + '.db')}"


def demo_mode() -> bool:
    """The embedded demo may fall back to generated secrets; production may not."""
    return env_bool("BANSOS_DEMO", default=False)


def secret(name: str, demo_default: str) -> str:
    value = env_str(name)
    if value:
        return value
    if demo_mode():
        return demo_default
    raise SettingsError(f"Variabel lingkungan {name} wajib diisi di luar mode demo (BANSOS_DEMO=1)")


def broker_url() -> str:
    return env_str("CELERY_BROKER_URL") or env_str("REDIS_URL") or "filesystem://"


# Redis visibility timeout per queue: a little above the longest task its workers run, so a task a dead
# worker left unacknowledged comes back within minutes. Notifications: a chunk of 250 messages runs for
# seconds (minutes at a low rate limit), countdowns are capped at 60 s, and a redelivery finds the chunk
# claimed or done; its watchdog re-sends lost work sooner anyway. Registry: its chunked jobs are capped
# at one hour (soft_time_limit 3600). Reports: a report has no time limit, so its queue keeps 4 hours.
VISIBILITY_TIMEOUTS = {"notifications": 300, "registry": 3900, "reports": 4 * 3600}


def broker_transport_options(url: str, queue: str | None = None) -> dict:
    if url.startswith("filesystem"):
        folder = var_dir() / "broker"
        for sub in ("processed", "control"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        # kombu otherwise puts the fanout/control folder in the working directory.
        return {
            "control_folder": str(folder / "control"),
            "data_folder_in": str(folder),
            "data_folder_out": str(folder),
            "processed_folder": str(folder / "processed"),
            "store_processed": False,
        }
    if url.startswith("redis"):
        # Longer than any task or countdown of the queue, or Redis hands the task out a second time.
        options = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT",
                                                 VISIBILITY_TIMEOUTS.get(queue or "", 4 * 3600))}
        # How often (s) a worker sweeps for tasks a dead worker left unacknowledged; kombu's default
        # works out at ~100 s. Only worth lowering together with a short visibility timeout.
        restore_every = env_int("CELERY_UNACKED_RESTORE_INTERVAL", 0)
        if restore_every > 0:
            options.update(unacked_restore_interval=restore_every, unacked_restore_throttle=1)
        return options
    return {}
