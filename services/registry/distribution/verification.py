"""Payment verification: Cochran's sample size with finite-population correction, a reproducible random
draw of a cycle's paid recipients, questions by SMS (notifications service) or a visit, and answers.
"""
from __future__ import annotations

import math
import random
import re
import secrets
from decimal import Decimal
from statistics import NormalDist

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from services.common.db import utcnow
from services.common.privacy import mask_nik
from services.registry.core.audit import record
from services.registry.core.money import rupiah as _rupiah
from services.registry.distribution.cards import short_name
from services.registry.distribution.common import DistributionError
from services.registry.distribution.pickup import recipient_of
from services.registry.models import Cycle, Entitlement, VerificationCase, VerificationSample
from services.registry.outreach.payloads import batches, send_batches

QUESTION = ("Bansos {{ desa }}: apakah Anda sudah menerima {{ programme }} sebesar {{ amount }} secara penuh? "
            "Balas VERIF {{ kode }} YA, atau VERIF {{ kode }} TIDAK <jumlah yang diterima>. Gratis, tanpa potongan.")


def sample_size(population: int, confidence: float = 0.95, margin: float = 0.05, proportion: float = 0.5) -> int:
    """n0 = z^2 p(1-p) / e^2, then n = n0 / (1 + (n0 - 1) / N), rounded up (never more than N)."""
    if population <= 0:
        return 0
    if not 0.5 <= confidence < 1 or not 0 < margin < 1:
        raise DistributionError("Tingkat kepercayaan harus 0,5-0,99 dan batas kesalahan 0-1 (mis. 0,95 dan 0,05)")
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    n0 = z * z * proportion * (1 - proportion) / (margin * margin)
    return min(population, math.ceil(n0 / (1 + (n0 - 1) / population)))


def draw_sample(session: Session, cycle_id: int, actor: str, confidence: float = 0.95, margin: float = 0.05,
                seed: int | None = None) -> VerificationSample:
    cycle = session.get(Cycle, cycle_id)
    if cycle is None:
        raise DistributionError("Siklus tidak ditemukan")
    paid = session.execute(select(Entitlement).where(Entitlement.cycle_id == cycle_id,
                                                     Entitlement.status == "disalurkan")
                           .options(selectinload(Entitlement.recipient)).order_by(Entitlement.id)).scalars().all()
    if not paid:
        raise DistributionError("Belum ada penerima yang tercatat menerima bantuan pada siklus ini")
    size = sample_size(len(paid), confidence, margin)
    seed = secrets.randbelow(2**31) if seed is None else seed
    chosen = sorted(random.Random(seed).sample(paid, size), key=lambda e: e.id)
    sample = VerificationSample(cycle_id=cycle_id, confidence=confidence, margin=margin, population=len(paid),
                                size=size, seed=seed, created_by=actor)
    session.add(sample)
    for entitlement in chosen:
        phone = entitlement.recipient.phone if entitlement.recipient else None
        sample.cases.append(VerificationCase(entitlement_id=entitlement.id, method="sms" if phone else "kunjungan",
                                             expected_amount=entitlement.amount))
    session.flush()
    record(session, actor, "create", "verification_sample", sample.id,
          **{"cycle_id": cycle_id, "population": len(paid), "size": size, "seed": seed,
           "confidence": confidence, "margin": margin})
    session.commit()
    return sample


def sms_recipients(sample: VerificationSample) -> list[dict]:
    """One question per SMS case, keyed by the case; its id is the code the resident replies with."""
    from sqlalchemy.orm import object_session

    from services.registry.core.areas import area_or_default

    programme = sample.cycle.programme.name
    session = object_session(sample)
    # A kabupaten programme's question names each recipient's own village, the one they know.
    return [{"recipient_key": f"verifikasi-{case.id}", "phone": case.entitlement.recipient.phone,
             "vars": {"desa": area_or_default(session, case.entitlement.household.area_id).title,
                      "programme": programme, "amount": _rupiah(case.expected_amount), "kode": case.id}}
            for case in sample.cases if case.method == "sms"]


def send_questions(session: Session, celery, sample_id: int, actor: str) -> int:
    """Ask the SMS cases through notifications.send_batch; the campaign key makes a second send a no-op."""
    sample = session.get(VerificationSample, sample_id)
    recipients = sms_recipients(sample)
    asked, _ = send_batches(celery, batches(recipients), session=session, campaign_key=f"verifikasi-{sample.id}",
                            name=f"Verifikasi {sample.cycle.name}", channel="sms", template=QUESTION,
                            total=len(recipients), source={"kind": "verifikasi", "sample_id": sample.id})
    sample.sms_sent_at = utcnow()
    record(session, actor, "send", "verification_sample", sample_id, sms=asked)
    session.commit()
    return asked


def record_answer(session: Session, case_id: int, received_full: bool, actor: str,
                  amount_received: Decimal | None = None, note: str | None = None) -> VerificationCase:
    case = session.get(VerificationCase, case_id)
    if case is None:
        raise DistributionError("Kasus verifikasi tidak ditemukan")
    if amount_received is not None and amount_received < 0:
        raise DistributionError("Jumlah yang diterima tidak boleh negatif")
    before = {"received_full": case.received_full,
              "amount_received": None if case.amount_received is None else str(case.amount_received)}
    case.received_full = received_full
    case.amount_received = case.expected_amount if received_full and amount_received is None else amount_received
    case.note, case.answered_by, case.answered_at = note, actor, utcnow()
    record(session, actor, "answer", "verification_case", case.id,
          **{"before": before, "after": {"received_full": received_full, "amount_received":
                                       None if case.amount_received is None else str(case.amount_received)},
           "discrepancy": case.discrepancy})
    session.commit()
    return case


def report(session: Session, sample_id: int) -> dict:
    """Answered / missing / discrepancies, with masked identifiers so the report can be shared."""
    sample = session.get(VerificationSample, sample_id)
    rows = []
    for case in sample.cases:
        who = recipient_of(case.entitlement)
        rows.append({"case_id": case.id, "name": short_name(who["name"]), "nik": mask_nik(who["nik"]),
                     "method": case.method, "expected": case.expected_amount, "received": case.amount_received,
                     "received_full": case.received_full, "discrepancy": case.discrepancy,
                     "shortfall": (case.expected_amount - case.amount_received)
                     if case.discrepancy and case.amount_received is not None else None, "note": case.note})
    answered = [r for r in rows if r["received_full"] is not None]
    return {"sample_id": sample.id, "cycle": sample.cycle.name, "population": sample.population,
            "size": sample.size, "confidence": sample.confidence, "margin": sample.margin, "seed": sample.seed,
            "answered": len(answered), "unanswered": len(rows) - len(answered),
            "discrepancies": [r for r in rows if r["discrepancy"]], "cases": rows}


_REPLY = re.compile(r"^\s*VERIF\s+(\d{1,12})\s+(YA|TIDAK)(?:\s+(?:RP\.?\s*)?([\d.,]+))?\s*$", re.IGNORECASE)


def record_sms_reply(session: Session, text: str, phone: str) -> VerificationCase:
    """``VERIF 12 YA`` / ``VERIF 12 TIDAK 250.000`` from the recipient's own phone; anything else is refused.
    The same reply twice records nothing new (an SMS gateway may deliver twice)."""
    match = _REPLY.match(text or "")
    if not match:
        raise DistributionError("Balasan tidak dikenali; format: VERIF <kode> YA atau VERIF <kode> TIDAK <jumlah>")
    case = session.get(VerificationCase, int(match[1]))
    recipient = case.entitlement.recipient if case else None
    if case is None or recipient is None or recipient.phone != phone:
        raise DistributionError("Kode verifikasi tidak cocok dengan nomor pengirim")
    received_full = match[2].upper() == "YA"
    amount = Decimal(re.sub(r"[.,]", "", match[3])) if match[3] else None
    expected = case.expected_amount if received_full and amount is None else amount
    if case.received_full == received_full and case.amount_received == expected:
        return case
    return record_answer(session, case.id, received_full, f"sms:{phone}", amount)
