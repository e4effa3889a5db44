"""Load the shipped instruments (JSON files beside this module) into the registry; idempotent by code+version."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from services.registry.core.audit import record
from services.registry.models import Instrument, Question
from services.registry.surveys.models.surveys import ANSWER_TYPES

DATA_DIR = Path(__file__).with_name("instruments")


class InstrumentError(ValueError):
    """An instrument file that does not describe a valid instrument."""


def _check(spec: dict) -> None:
    for key in ("code", "version", "name", "questions"):
        if key not in spec:
            raise InstrumentError(f"Instrumen tanpa kolom wajib '{key}'")
    codes = [q["code"] for q in spec["questions"]]
    if len(codes) != len(set(codes)):
        raise InstrumentError(f"Instrumen {spec['code']}: kode pertanyaan ganda")
    for q in spec["questions"]:
        if q["answer_type"] not in ANSWER_TYPES:
            raise InstrumentError(f"Pertanyaan {q['code']}: jenis jawaban '{q['answer_type']}' tidak dikenal")
        if q["answer_type"] == "pilihan" and not q.get("choices"):
            raise InstrumentError(f"Pertanyaan {q['code']}: pilihan jawaban kosong")


def load_instrument(session: Session, spec: dict, actor: str = "sistem") -> tuple[Instrument, bool]:
    """Insert the instrument version unless it exists (a version is never edited); return (it, created)."""
    _check(spec)
    found = session.execute(
        select(Instrument).where(Instrument.code == spec["code"], Instrument.version == spec["version"])
    ).scalar_one_or_none()
    if found is not None:
        return found, False
    instrument = Instrument(
        code=spec["code"], version=spec["version"], name=spec["name"], description=spec.get("description"),
        purpose=spec.get("purpose", "kebutuhan"), active=spec.get("active", True), scoring=spec.get("scoring", {}),
    )
    for position, q in enumerate(spec["questions"], start=1):
        instrument.questions.append(Question(
            position=position, code=q["code"], group=q.get("group"), text=q["text"], answer_type=q["answer_type"],
            required=q.get("required", True), choices=q.get("choices"), weight=Decimal(str(q.get("weight", 0))),
            criterion=q.get("criterion"),
        ))
    if instrument.active:
        # One active version per code: a new version retires the old one for new responses.
        for older in session.scalars(select(Instrument).where(Instrument.code == spec["code"], Instrument.active)):
            older.active = False
    session.add(instrument)
    session.flush()
    record(session, actor, "create", "survey_instrument", instrument.id, code=instrument.code,
           version=instrument.version, questions=len(instrument.questions))
    return instrument, True


def load_shipped_instruments(session: Session, actor: str = "sistem") -> list[tuple[Instrument, bool]]:
    """Load every JSON instrument shipped with the registry and commit."""
    result = [load_instrument(session, json.loads(path.read_text(encoding="utf-8")), actor)
              for path in sorted(DATA_DIR.glob("*.json"))]
    session.commit()
    return result


def active_instrument(session: Session, code: str) -> Instrument | None:
    return session.execute(
        select(Instrument).where(Instrument.code == code, Instrument.active)
        .options(selectinload(Instrument.questions)).order_by(Instrument.version.desc())
    ).scalars().first()


def instrument_by_form_id(session: Session, form_id: str) -> Instrument | None:
    """The instrument version behind an XForm id such as ``bps14_v1``."""
    code, _, version = form_id.rpartition("_v")
    # ASCII digits only and a sane length: str.isdigit() accepts "²", which int() refuses.
    if not code or not (version.isascii() and version.isdigit() and len(version) <= 6):
        return None
    for instrument in session.scalars(select(Instrument).where(Instrument.version == int(version))
                                      .options(selectinload(Instrument.questions))):
        if instrument.form_id == form_id:
            return instrument
    return None


def welfare_instrument(session: Session) -> Instrument | None:
    """The active instrument that drives HouseholdWelfare (purpose "kesejahteraan"), newest first."""
    return session.execute(
        select(Instrument).where(Instrument.purpose == "kesejahteraan", Instrument.active)
        .order_by(Instrument.id.desc())
    ).scalars().first()
