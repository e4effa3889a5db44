"""Demo survey data for Desa Kamal: the shipped instruments, an enumerator, a campaign, and responses.

Deterministic and idempotent (responses keyed ``demo:<kk>:<instrument>:<visit>``); some households
get a follow-up visit so the admin shows change over time."""
from __future__ import annotations

import random
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.models import Enumerator, Household, SurveyCampaign
from services.registry.surveys.credentials import set_password
from services.registry.surveys.instruments import active_instrument, load_shipped_instruments
from services.registry.surveys.responses import record_response
from services.registry.surveys.scoring import rescore

SEED = 3526
DEMO_ENUMERATOR = ("pencacah1", "Pendamping Kamal 1")
DEMO_PASSWORD = "Demo-Kamal-2026"
SURVEYED = 120  # households with a BPS14 response; the first 60 are enrolled in BLT-DD in the demo
WIB = UTC  # stored in UTC; the admin shows local time


def _bps_answers(rng: random.Random, poor_bias: float) -> dict:
    instrument_codes = ("k01_luas_lantai", "k02_jenis_lantai", "k03_jenis_dinding", "k04_jamban", "k05_listrik",
                        "k06_air_minum", "k07_bahan_bakar", "k08_konsumsi_daging", "k09_pakaian",
                        "k10_frekuensi_makan", "k11_biaya_berobat", "k12_pekerjaan_kepala",
                        "k13_pendidikan_kepala", "k14_aset")
    return {code: "ya" if rng.random() < poor_bias else "tidak" for code in instrument_codes}


def _needs_answers(rng: random.Random) -> dict:
    children = rng.randint(0, 3)
    return {"anak_usia_sekolah": children, "anak_putus_sekolah": rng.randint(0, children) if rng.random() < .2 else 0,
            "pendapatan_bulanan": rng.choice((600000, 1200000, 1800000, 2500000, 3500000)),
            "sumber_pendapatan": rng.choice(("tetap", "usaha", "harian", "harian", "tidak_ada")),
            "penyakit_kronis": rng.random() < .2, "disabilitas": rng.random() < .08,
            "lansia_sendiri": rng.random() < .07,
            "jaminan_kesehatan": rng.choice(("bpjs_pbi", "bpjs_mandiri", "tidak_ada")),
            "kondisi_rumah": rng.choice(("layak", "layak", "kurang_layak", "tidak_layak")), "catatan": ""}


def seed_demo_surveys(session: Session) -> dict[str, int]:
    """Load instruments, add the demo enumerator/campaign/responses that are missing, re-score; commit."""
    load_shipped_instruments(session, actor="seed-demo")
    bps, needs = active_instrument(session, "BPS14"), active_instrument(session, "KEBUTUHAN-DESA")
    enumerator = session.execute(
        select(Enumerator).where(Enumerator.username == DEMO_ENUMERATOR[0])).scalar_one_or_none()
    if enumerator is None:
        enumerator = Enumerator(username=DEMO_ENUMERATOR[0], full_name=DEMO_ENUMERATOR[1])
        session.add(enumerator)
    if enumerator.digest_ha1 is None:  # also a demo made before Digest existed
        set_password(enumerator, DEMO_PASSWORD)
    campaign = session.execute(select(SurveyCampaign).where(SurveyCampaign.name == "Pendataan BPS14 Kamal 2026")
                               ).scalar_one_or_none()
    if campaign is None:
        campaign = SurveyCampaign(name="Pendataan BPS14 Kamal 2026", instrument=bps, desa="Kamal",
                                  starts_on=date(2026, 2, 1), ends_on=date(2026, 3, 31), enumerators=[enumerator])
        session.add(campaign)
    session.flush()
    households = session.scalars(select(Household).where(Household.desa == "Kamal").order_by(Household.id)
                                 .limit(SURVEYED)).all()
    rng = random.Random(SEED)
    created = 0
    for index, household in enumerate(households):
        # Enrolled demo households (the first 60) lean poorer, so the coverage screens have a story.
        bias = 0.7 if index < 60 else 0.35
        visits = [(datetime(2026, 2, 10, 3, 0, tzinfo=WIB), bias)]
        if index % 10 == 0:  # follow-up visit: the situation improved after the programme
            visits.append((datetime(2026, 9, 15, 3, 0, tzinfo=WIB), bias - 0.3))
        for visit, (when, visit_bias) in enumerate(visits, start=1):
            answers = _bps_answers(rng, visit_bias)
            _, made = record_response(session, instrument=bps, household=household, answers=answers, source="demo",
                                      actor="seed-demo", campaign=campaign if visit == 1 else None,
                                      enumerator=enumerator,
                                      collected_at=when, submission_key=f"demo:{household.no_kk}:BPS14:{visit}")
            created += made
        if index % 3 == 0:
            _, made = record_response(session, instrument=needs, household=household, answers=_needs_answers(rng),
                                      source="demo", actor="seed-demo", enumerator=enumerator,
                                      collected_at=datetime(2026, 2, 12, 3, 0, tzinfo=WIB),
                                      submission_key=f"demo:{household.no_kk}:KEBUTUHAN-DESA:1")
            created += made
    session.commit()
    summary = rescore(session, "BPS14", actor="seed-demo")
    return {"survey_responses_added": created, "scored_households": summary["households"]}
