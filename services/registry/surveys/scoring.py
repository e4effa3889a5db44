"""Re-score and rank households: one set-based SQL statement (window functions), PostgreSQL and SQLite alike.

Each response carries its score, computed once from its answers under its own instrument version
(responses.py). Re-scoring picks each household's LATEST response under the instrument code, ranks
households within their desa (1 = most in need), bands them (desil 1-10 by NTILE, 1 = poorest, or
miskin/rentan/tidak_miskin by the instrument's thresholds) and upserts HouseholdWelfare, keeping the
imported DTSEN desil. No chunking needed: the whole registry is a single statement (bench/rescore.py)."""
from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from services.registry.core.audit import record
from services.registry.models import Instrument
from services.registry.surveys.instruments import welfare_instrument

_RESCORE = """
INSERT INTO household_welfare
    (household_id, score, rank, band, explanation, response_id, instrument_code, scored_at)
SELECT s.household_id, s.score, s.rnk,
       CASE WHEN :band_mode = 'desil' THEN CAST(s.tile AS VARCHAR(2))
            WHEN s.score >= :threshold THEN 'miskin'
            WHEN s.score >= :rentan THEN 'rentan'
            ELSE 'tidak_miskin' END,
       s.explanation, s.response_id, :code, :now
FROM (
    SELECT l.household_id, l.score, l.explanation, l.id AS response_id,
           RANK() OVER (PARTITION BY h.desa ORDER BY l.score DESC) AS rnk,
           NTILE(10) OVER (PARTITION BY h.desa ORDER BY l.score DESC, l.household_id) AS tile
    FROM (
        SELECT r.id, r.household_id, r.score, r.explanation,
               ROW_NUMBER() OVER (PARTITION BY r.household_id ORDER BY r.collected_at DESC, r.id DESC) AS rn
        FROM survey_response r
        WHERE r.instrument_id IN (SELECT i.id FROM survey_instrument i WHERE i.code = :code)
    ) l
    JOIN household h ON h.id = l.household_id
    WHERE l.rn = 1 {desa_filter}
) s
WHERE true
ON CONFLICT (household_id) DO UPDATE SET
    score = excluded.score, rank = excluded.rank, band = excluded.band, explanation = excluded.explanation,
    response_id = excluded.response_id, instrument_code = excluded.instrument_code, scored_at = excluded.scored_at
"""
# ``WHERE true`` before ON CONFLICT: SQLite otherwise parses ON as a join constraint of the SELECT.


RESCORE_LOCK = 35260003  # advisory lock key of the rescore (any constant unique in this database)


class RescoreError(ValueError):
    pass


def _instrument(session: Session, code: str | None) -> Instrument:
    if code is None:
        found = welfare_instrument(session)
    else:
        found = session.execute(select(Instrument).where(Instrument.code == code)
                                .order_by(Instrument.active.desc(), Instrument.version.desc())).scalars().first()
    if found is None:
        raise RescoreError(f"Instrumen penilaian kesejahteraan tidak ditemukan: {code or '(aktif)'}")
    return found


def rescore(session: Session, code: str | None = None, *, desa: str | None = None, all_desa: bool = True,
            actor: str = "sistem") -> dict:
    """Re-rank every household (or one desa when ``all_desa`` is False) and commit; return a summary."""
    from services.common.db import utcnow

    instrument = _instrument(session, code)
    config = instrument.scoring or {}
    desa_filter = ""
    params = {
        "code": instrument.code, "band_mode": config.get("band_mode", "kategori"),
        "threshold": config.get("threshold", 9), "rentan": config.get("rentan_threshold", config.get("threshold", 9)),
        "now": utcnow(),
    }
    if not all_desa:
        desa_filter = "AND h.desa IS NULL" if desa is None else "AND h.desa = :desa"
        params["desa"] = desa
    if session.get_bind().dialect.name == "postgresql":
        # One rescore at a time: two overlapping upserts of the same welfare rows could deadlock.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": RESCORE_LOCK})
    result = session.execute(text(_RESCORE.format(desa_filter=desa_filter)), params)
    summary = {"instrument": instrument.code, "version": instrument.version, "households": result.rowcount,
               "desa": desa if not all_desa else None}
    if all_desa:
        # One audit entry per whole-registry run; per-household rescoring after an entry is covered
        # by that response's own audit entry.
        bands = dict(session.execute(text(
            "SELECT band, COUNT(*) FROM household_welfare WHERE instrument_code = :code GROUP BY band"),
            {"code": instrument.code}).all())
        summary["bands"] = {str(k): v for k, v in bands.items()}
        record(session, actor, "rescore", "household_welfare", None, **summary)
    session.commit()
    return summary


def rescore_household_desa(session: Session, household, actor: str = "sistem") -> dict | None:
    """After one new response: re-rank just that household's desa (small), if it answered the welfare instrument."""
    instrument = welfare_instrument(session)
    if instrument is None:
        return None
    return rescore(session, instrument.code, desa=household.desa, all_desa=False, actor=actor)


def welfare_counts(session: Session) -> int:
    from services.registry.models import HouseholdWelfare

    return session.execute(select(func.count()).select_from(HouseholdWelfare)).scalar_one()
