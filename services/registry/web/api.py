"""Registry JSON API (service-to-service, bearer SERVICE_TOKEN): households, persons, who-gets-what,
import progress."""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from services.common.auth import require_service_token
from services.common.db import current_database
from services.common.inputs import page_number, parse_id
from services.registry.models import Enrolment, Household, ImportJob, Person
from services.registry.web.area_scope import install_area_scope

api = Blueprint("registry_api", __name__, url_prefix="/api")
require_service_token(api)

PAGE_SIZE = 50


def area_scope_of_request():
    """``?area=<kode Kemendagri>`` on any /api/ call: answer as a user of that area would see it (the
    area and below, the areas above read-only); without it every area, as for any service caller."""
    from flask import abort, make_response

    from services.registry.core.areas import scope_of
    from services.registry.models import Area

    code = (request.args.get("area") or "").strip()
    if not code:
        return None
    area_id = current_database().session.scalar(select(Area.id).where(Area.code == code))
    if area_id is None:
        abort(make_response(*_error(f"Kode wilayah '{code[:20]}' tidak dikenal", 400)))
    return scope_of(current_database().session, area_id)


# After the token check: a caller without the token learns nothing, not even whether a code exists.
install_area_scope(api, area_scope_of_request)


def _person(person: Person) -> dict:
    return {
        "id": person.id, "household_id": person.household_id, "nik": person.nik, "name": person.name,
        "sex": person.sex, "birth_place": person.birth_place,
        "birth_date": person.birth_date.isoformat() if person.birth_date else None,
        "relationship_to_head": person.relationship_to_head, "occupation": person.occupation,
        "education": person.education, "phone": person.phone,
        "is_duplicate_candidate": person.is_duplicate_candidate,
    }


def _household(household: Household) -> dict:
    return {
        "id": household.id, "no_kk": household.no_kk, "address": household.address, "rt": household.rt,
        "rw": household.rw, "dusun": household.dusun, "desa": household.desa, "kecamatan": household.kecamatan,
        "kabupaten": household.kabupaten, "latitude": household.latitude, "longitude": household.longitude,
    }


def _page() -> int:
    return page_number(request.args.get("page", 1))


def _error(message: str, status: int):
    return jsonify({"error": message}), status


@api.get("/households")
def households():
    """Search by KK (prefix), or by a member's NIK (prefix) or name (contains); paged by 50."""
    session = current_database().session
    q = (request.args.get("q") or "").strip()
    query = select(Household)
    if q:
        members = select(Person.household_id).where(
            or_(Person.nik.startswith(q), func.lower(Person.name).contains(q.lower()))
        )
        query = query.where(or_(Household.no_kk.startswith(q), Household.id.in_(members)))
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    page = _page()
    rows = session.execute(
        query.options(selectinload(Household.members)).order_by(Household.id)
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).scalars()
    items = [{**_household(h), "members": len(h.members), "head": h.head.name if h.head else None} for h in rows]
    return jsonify({"households": items, "page": page, "page_size": PAGE_SIZE, "total": total})


@api.get("/households/<int:household_id>")
def household(household_id: int):
    session = current_database().session
    found = session.execute(
        select(Household).where(Household.id == household_id).options(
            selectinload(Household.members),
            selectinload(Household.enrolments).selectinload(Enrolment.programme),
        )
    ).scalar_one_or_none()
    if found is None:
        return _error("Keluarga tidak ditemukan", 404)
    enrolments = [{
        "id": e.id, "programme_id": e.programme_id, "programme_code": e.programme.code,
        "programme_name": e.programme.name, "status": e.status, "recipient_id": e.recipient_id,
        "enrolled_on": e.enrolled_on.isoformat() if e.enrolled_on else None,
    } for e in found.enrolments]
    return jsonify({**_household(found), "members": [_person(p) for p in found.members], "enrolments": enrolments})


@api.get("/persons")
def persons():
    """Exactly one of ``nik`` (exact), ``kk`` (the household's members) or ``q`` (NIK prefix or name)."""
    session = current_database().session
    nik, kk, q = (request.args.get(name, "").strip() for name in ("nik", "kk", "q"))
    query = select(Person).join(Household)
    if nik:
        query = query.where(Person.nik == nik)
    elif kk:
        query = query.where(Household.no_kk == kk)
    elif q:
        query = query.where(or_(Person.nik.startswith(q), func.lower(Person.name).contains(q.lower())))
    else:
        return _error("Isi salah satu parameter: nik, kk atau q", 400)
    page = _page()
    rows = session.execute(
        query.add_columns(Household.no_kk).order_by(Person.id).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return jsonify({"persons": [{**_person(p), "no_kk": no_kk} for p, no_kk in rows], "page": page,
                    "page_size": PAGE_SIZE})


@api.get("/who-gets-what")
def who_gets_what_api():
    """``q`` = NIK or No. KK; ``organisation_id`` scopes to a partner's programmes (masked NIK/KK)."""
    from services.registry.people.whogets import QueryError, who_gets_what
    from services.registry.programmes.queries import visible_programme_ids

    session = current_database().session
    organisation = request.args.get("organisation_id", "").strip()
    programme_ids = None
    if organisation:
        if parse_id(organisation) is None:
            return _error("organisation_id harus berupa angka 0 sampai 2147483647", 400)
        programme_ids = visible_programme_ids(session, parse_id(organisation))
    try:
        result = who_gets_what(session, request.args.get("q", ""), programme_ids)
    except QueryError as exc:
        return _error(str(exc), 400)
    return jsonify(result), (200 if result["found"] else 404)


@api.get("/imports/<int:import_id>")
def import_status(import_id: int):
    job = current_database().session.get(ImportJob, import_id)
    if job is None:
        return _error("Impor tidak ditemukan", 404)
    return jsonify({
        "id": job.id, "filename": job.filename, "status": job.status, "progress": job.progress_percent,
        "total_rows": job.total_rows, "processed_rows": job.processed_rows, "imported": job.imported,
        "updated": job.updated, "unchanged": job.unchanged, "rejected": job.rejected, "error": job.error,
        "file_sha256": job.file_sha256, "has_rejection_report": bool(job.rejection_report_path),
        "created_by": job.created_by, "created_at": job.created_at.isoformat() if job.created_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    })
