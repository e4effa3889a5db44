"""What every distribution step shares: the refusal type, the frozen-cycle guard and the chunk pause."""
from __future__ import annotations

from services.common.settings import SettingsError, env_str
from services.registry.models import Cycle


class DistributionError(ValueError):
    """A refused distribution step; the text is the Indonesian reason shown to the operator."""


def require_frozen(cycle: Cycle | None) -> Cycle:
    """Only an approved (frozen) cycle may be distributed: its recipients and amounts cannot move any more."""
    if cycle is None:
        raise DistributionError("Siklus tidak ditemukan")
    if cycle.status != "disetujui":
        raise DistributionError(
            f"Siklus {cycle.name} berstatus '{cycle.status}': hanya siklus yang sudah disetujui kepala desa "
            "yang boleh disalurkan"
        )
    return cycle


def chunk_pause() -> float:
    """REGISTRY_CHUNK_PAUSE seconds slept between chunks of long tasks (default 0): eases a busy shared
    database, and lets the crash test stop a worker between two chunks."""
    raw = env_str("REGISTRY_CHUNK_PAUSE", "0")
    try:
        return max(0.0, float(raw))
    except ValueError as exc:
        raise SettingsError(f"REGISTRY_CHUNK_PAUSE harus berupa angka, bukan {raw!r}") from exc
