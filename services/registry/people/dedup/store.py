"""Store a run's clusters as review cases, keeping every decision already made."""
from __future__ import annotations

import csv
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.common.db import utcnow
from services.common.privacy import redact_numbers
from services.registry.core.audit import record
from services.registry.models import DedupCluster, DedupClusterArea, DedupMember, DedupRun, Household
from services.registry.people.dedup.clusters import Cluster
from services.registry.people.dedup.engine import find_clusters, load_accounts, load_people
from services.registry.people.dedup.layers import PersonRow

EXPORT_COLUMNS = ["cluster_id", "NIK", "NO_KK", "NAMA", "TANGGAL_LAHIR", "score"]
_CHUNK = 5_000


def _kk_numbers(session: Session, household_ids: set[int]) -> dict[int, tuple[str, int | None]]:
    """{household id: (KK number, area id)} of the households new cases name."""
    ids, found = sorted(household_ids), {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        found.update((hid, (kk, area)) for hid, kk, area in session.execute(
            select(Household.id, Household.no_kk, Household.area_id).where(Household.id.in_(chunk))))
    return found


def store_clusters(session: Session, people: dict[int, PersonRow], clusters: list[Cluster], actor: str) -> dict:
    """New signatures become open cases; known ones keep their status (a dismissed case stays dismissed);
    open cases whose signature no longer appears (a member changed or left) are withdrawn."""
    now = utcnow()
    known = dict(session.execute(select(DedupCluster.signature, DedupCluster.id)).all())
    seen_ids: set[int] = set()
    new = [c for c in clusters if c.signature not in known]
    kk = _kk_numbers(session, {people[i].household_id for c in new for i in c.members})
    for cluster in clusters:
        if cluster.signature in known:
            seen_ids.add(known[cluster.signature])
    new_ids: set[int] = set()
    for start in range(0, len(new), _CHUNK):
        cases = []
        for cluster in new[start:start + _CHUNK]:
            case = DedupCluster(signature=cluster.signature, status="terbuka", score=cluster.score,
                                layers=cluster.layers, size=len(cluster.members), created_at=now, last_seen_at=now)
            case.members = [DedupMember(person_ref=p.id, household_id=p.household_id, nik=p.nik,
                                        no_kk=kk.get(p.household_id, ("", None))[0], name=p.name,
                                        birth_date=p.birth_date, area_id=kk.get(p.household_id, ("", None))[1])
                            for p in (people[i] for i in cluster.members)]
            # Visible to every village a member lives in (the same NIK in two villages is one case for both).
            case.areas = [DedupClusterArea(area_id=area_id) for area_id in
                          sorted({m.area_id for m in case.members if m.area_id is not None})]
            cases.append(case)
        session.add_all(cases)
        session.flush()
        new_ids.update(case.id for case in cases)
    stale = [cid for cid in session.execute(select(DedupCluster.id).where(DedupCluster.status == "terbuka")).scalars()
             if cid not in seen_ids and cid not in new_ids]
    seen = sorted(seen_ids)
    for start in range(0, len(seen), _CHUNK):
        session.execute(DedupCluster.__table__.update().where(DedupCluster.id.in_(seen[start:start + _CHUNK]))
                        .values(last_seen_at=now))
    for start in range(0, len(stale), _CHUNK):
        session.execute(delete(DedupCluster).where(DedupCluster.id.in_(stale[start:start + _CHUNK])))
    decided = session.execute(select(DedupCluster.id).where(DedupCluster.id.in_(seen or [0]),
                                                            DedupCluster.status != "terbuka")).scalars().all()
    counts = {"clusters": len(clusters), "new": len(new), "kept": len(seen_ids), "withdrawn": len(stale),
              "already_decided": len(decided), "persons": len(people)}
    record(session, actor, "dedup_run", "dedup_cluster", None, **counts)
    session.commit()
    return counts


def request_run(session: Session, run_key: str, actor: str) -> DedupRun:
    """The run named ``run_key``, created (status antre) if new; committed so a worker can find it."""
    run = session.execute(select(DedupRun).where(DedupRun.run_key == run_key)).scalar_one_or_none()
    if run is None:
        try:
            run = DedupRun(run_key=run_key, requested_by=actor, status="antre")
            session.add(run)
            session.commit()
        except IntegrityError:  # a redelivery of the same key created it a moment ago
            session.rollback()
            run = session.execute(select(DedupRun).where(DedupRun.run_key == run_key)).scalar_one()
    return run


# A run "berjalan" longer than this lost its worker (the task's time limit is 30 minutes): run it again.
STALE_AFTER = timedelta(hours=1)


def _claim(session: Session, run: DedupRun) -> bool:
    """Atomically mark the run as ours; False when it finished or another worker is on it (a redelivery)."""
    now = utcnow()
    claimable = or_(DedupRun.status.in_(("antre", "gagal")),
                    and_(DedupRun.status == "berjalan", DedupRun.started_at < now - STALE_AFTER))
    result = session.execute(update(DedupRun).where(DedupRun.id == run.id, claimable)
                             .values(status="berjalan", started_at=now, error=None)
                             # no in-Python evaluation: SQLite hands back naive datetimes
                             .execution_options(synchronize_session=False))
    session.commit()
    return result.rowcount == 1


def _stage(session: Session, run: DedupRun, status: str, stage: str | None, **values) -> None:
    run.status, run.stage = status, stage
    for name, value in values.items():
        setattr(run, name, value)
    session.commit()


def run_dedup(session: Session, actor: str = "sistem", run_key: str | None = None) -> dict:
    """The whole check: scan the registry, store the clusters, report counts.

    Idempotent per ``run_key``: a finished run returns its counts without running again."""
    run = request_run(session, run_key or uuid.uuid4().hex, actor)
    if not _claim(session, run):
        session.refresh(run)
        return dict(run.counts or {"skipped": run.status})
    session.refresh(run)
    _stage(session, run, "berjalan", "membaca")
    try:
        people = load_people(session)
        accounts = load_accounts(session)
        _stage(session, run, "berjalan", "memeriksa")
        clusters = find_clusters(people, accounts)
        _stage(session, run, "berjalan", "menyimpan")
        counts = store_clusters(session, people, clusters, run.requested_by or actor)
    except Exception as exc:
        session.rollback()
        _stage(session, run, "gagal", None, error=redact_numbers(f"{type(exc).__name__}: {exc}")[:2000],
               finished_at=utcnow())
        raise
    _stage(session, run, "selesai", None, counts=counts, finished_at=utcnow())
    return counts


def export_open_clusters(session: Session, path: Path) -> int:
    """Write one CSV row per member of every open case; returns the number of rows."""
    query = (select(DedupCluster.id, DedupCluster.score, DedupMember.nik, DedupMember.no_kk, DedupMember.name,
                    DedupMember.birth_date)
             .join(DedupMember, DedupMember.cluster_id == DedupCluster.id)
             .where(DedupCluster.status == "terbuka").order_by(DedupCluster.id, DedupMember.id))
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(EXPORT_COLUMNS)
        for cid, score, nik, no_kk, name, birth in session.execute(query.execution_options(yield_per=_CHUNK)):
            writer.writerow([cid, nik, no_kk, name, birth.strftime("%d-%m-%Y") if birth else "", f"{score:.2f}"])
            rows += 1
    return rows
