"""The report store on disk: is there room, and what a full disk means for a run."""
from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path


class StoreFull(RuntimeError):
    """The store's disk is full; the run is retried later (nothing half-written is kept)."""


def full_disk_message(store: str | Path) -> str:
    return (f"Ruang disk penyimpanan laporan ({store}) penuh: laporan belum dibuat dan akan dicoba lagi "
            "otomatis. Kosongkan ruang disk atau perbesar volume.")


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)


def check_store(store: str | Path, min_free_mb: int) -> None:
    """Raise with the reason when the store cannot take a report (for /health)."""
    path = Path(store)
    path.mkdir(parents=True, exist_ok=True)
    if not os.access(path, os.W_OK):
        raise PermissionError(f"folder laporan tidak dapat ditulis: {path}")
    free_mb = shutil.disk_usage(path).free // (1024 * 1024)
    if free_mb < min_free_mb:
        raise OSError(errno.ENOSPC, f"ruang kosong {free_mb} MB, kurang dari batas {min_free_mb} MB")
