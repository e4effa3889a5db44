"""Give the demo registry what the load test reads: an approved cycle of BLT-DD-2026 with a frozen recipient
list (the public cycle page), complaints to track, and the NIK/KK values the operators look up.

Run after ``bansos demo-setup`` with the stack's environment (BANSOS_VAR or REGISTRY_DATABASE_URL):
``.venv/bin/python -m bench.load.prepare --out /tmp/bansos-load.json``. Safe to repeat: the cycle and the
complaints are made once; the JSON is always rewritten."""
from __future__ import annotations

import argparse
import json
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.db import make_engine
from services.common.settings import env_str, sqlite_url
from services.registry.feedback.complaints import record_complaint
from services.registry.models import Complaint, Cycle, Entitlement, Household, Person, Programme
from services.registry.programmes.candidates import snapshots

CYCLE_NAME = "Uji beban Januari 2027"


def prepare(url: str, recipients: int, complaints: int) -> dict:
    engine = make_engine(url)
    with Session(engine) as session:
        programme = session.scalar(select(Programme).where(Programme.code == "BLT-DD-2026"))
        cycle = session.scalar(select(Cycle).where(Cycle.name == CYCLE_NAME))
        if cycle is None:
            cycle = Cycle(programme=programme, name=CYCLE_NAME, status="disetujui", approved_by="kepala_desa",
                          period_start=date(2027, 1, 1), period_end=date(2027, 1, 31))
            session.add(cycle)
            household_ids = session.scalars(select(Household.id).order_by(Household.id).limit(recipients)).all()
            for household_id, snap in snapshots(session, list(household_ids)).items():
                session.add(Entitlement(cycle=cycle, programme=programme, household_id=household_id,
                                        recipient_id=snap.get("recipient_id"), amount=Decimal("300000"),
                                        channel="tunai", snapshot=snap))
        codes = session.scalars(select(Complaint.tracking_code).where(Complaint.recorded_by == "uji-beban")).all()
        for n in range(len(codes), complaints):
            complaint = record_complaint(session, {"channel": "web", "category": "tidak_menerima",
                                                   "body": f"Bantuan belum diterima (uji beban {n})",
                                                   "anonymous": True}, actor="uji-beban")
            codes.append(complaint.tracking_code)
        session.commit()
        lookups = session.execute(select(Person.nik, Household.no_kk).join(Household).limit(50)).all()
        data = {"programme_ids": session.scalars(select(Programme.id).order_by(Programme.id)).all(),
                "cycle_ids": [cycle.id], "tracking_codes": list(codes),
                "niks": [nik for nik, _ in lookups], "kks": sorted({kk for _, kk in lookups}),
                "dusun": sorted(session.scalars(select(Household.dusun).distinct()).all())}
    engine.dispose()
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="/tmp/bansos-load.json")
    parser.add_argument("--recipients", type=int, default=150)
    parser.add_argument("--complaints", type=int, default=30)
    args = parser.parse_args()
    url = env_str("REGISTRY_DATABASE_URL") or sqlite_url("registry")
    data = prepare(url, args.recipients, args.complaints)
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    print(f"{args.out}: siklus {data['cycle_ids']}, {len(data['tracking_codes'])} kode pengaduan")


if __name__ == "__main__":
    main()
