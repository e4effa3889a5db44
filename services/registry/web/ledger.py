"""Public (no login) transparency endpoints: a cycle's ledger head, with counts and sums only."""
from __future__ import annotations

from flask import Blueprint, jsonify

from services.common.db import current_database
from services.registry.distribution.models.read import cycle_area_head, cycle_head
from services.registry.models import Cycle

public = Blueprint("registry_public", __name__, url_prefix="/public")


@public.get("/cycles/<int:cycle_id>/ledger-head")
def ledger_head(cycle_id: int):
    session = current_database().session
    cycle = session.get(Cycle, cycle_id)
    if cycle is None or not cycle.frozen:  # drafts are not public until the kepala desa approved them
        return jsonify({"error": "Siklus tidak ditemukan"}), 404
    chain = cycle_area_head(session, cycle_id)
    return jsonify({**cycle_head(session, cycle_id), "cycle": cycle.name, "status": cycle.status,
                    "area_code": chain["area_code"], "chain_head_seq": chain["head_seq"],
                    "chain_head_hash": chain["head_hash"]})
