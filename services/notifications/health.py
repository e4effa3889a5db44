"""What notifications' /health tells the operator beyond "up": chunks the watchdog will re-send, and a
broker Redis that would lose its queue on a restart."""
from __future__ import annotations

from flask import current_app

from services.common.settings import demo_mode

NO_PERSISTENCE = ("Redis broker tanpa persistensi (appendonly no, save kosong): antrean hilang bila Redis "
                  "dimulai ulang. Kampanye tetap utuh (tersimpan di basis data, watchdog mengirim ulang), "
                  "tetapi tugas lain ikut hilang; aktifkan appendonly yes")


def stuck_chunks() -> int:
    from services.common.db import current_database
    from services.notifications.watchdog import stuck_count

    config = current_app.config
    return stuck_count(current_database().session, config.get("SENDING_STALE_SECONDS", 30),
                       config.get("CHUNK_REQUEUE_SECONDS", 300))


def broker_persistence(config_get) -> bool:
    """True when the Redis answers that it keeps its data (append-only file or RDB snapshots)."""
    appendonly = str(config_get("appendonly").get("appendonly", "no")).lower()
    save = str(config_get("save").get("save", "")).strip()
    return appendonly == "yes" or bool(save)


def warnings() -> list[str]:
    url = current_app.config.get("CELERY_BROKER_URL") or ""
    if demo_mode() or not url.startswith("redis"):
        return []
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        return [] if broker_persistence(client.config_get) else [NO_PERSISTENCE]
    except redis.ResponseError:
        return []  # CONFIG is disabled on a managed Redis: nothing to say
    finally:
        client.close()
