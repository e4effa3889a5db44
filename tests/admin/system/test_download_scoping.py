"""Every export and download route of the admin, object by object: a partner asking for another partner's
cycle cards, training certificate or report file gets 404 (whatever the id), and its own still works.

The walk reads the URL map: a download route added later that a partner may reach fails this test until it
gets a foreign-object check below (FOREIGN)."""
from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
from sqlalchemy import select

from services.registry.models import Cycle, Person, Programme, Training, TrainingEnrolment, TrainingSession
from tests.admin.reports.test_reports import reports  # noqa: F401 - the reports service stand-in with one run per programme
from tests.admin.stack import login
from tests.admin.system.test_role_matrix import _endpoint_permissions, _refused, allowed

DOWNLOAD = re.compile(r"download|export|\.pdf|\.csv|\.xlsx|<any\(")
PARTNERS = {"Mitra LSM": ("mitra_lsm", "BLT-DD-2026", "SEMBAKO-CSR-2026"),
            "Mitra CSR": ("mitra_csr", "SEMBAKO-CSR-2026", "BLT-DD-2026")}


def _objects(db, code: str, artifact: int) -> dict[str, int]:
    """One approved cycle and one certified participant of the programme ``code``; its report artifact id."""
    programme = db.scalars(select(Programme).where(Programme.code == code)).one()
    tag = uuid.uuid4().hex[:8]  # the stack is shared by the tests of one backend
    cycle = Cycle(programme=programme, name=f"Unduhan {code} {tag}", status="disetujui")
    training = Training(topic=f"Pelatihan {code}", organiser_kind="lsm", capacity=3, programme=programme,
                        target_rule={"programme_code": code})
    training.sessions = [TrainingSession(held_on=date(2026, 12, 1), place="Balai Desa Kamal")]
    person = db.scalars(select(Person).order_by(Person.id)).first()
    enrolment = TrainingEnrolment(training=training, person=person, status="selesai", completed_on=date(2026, 12, 2),
                                  certificate_code=f"SERT-{code}-{tag}")
    db.add_all([cycle, training, enrolment])
    db.commit()
    return {"cycle_id": cycle.id, "pk": enrolment.id, "artifact_id": artifact}


# Which of an object's ids each partner-visible download route takes.
FOREIGN = {"DistributionView.cards_pdf": "cycle_id", "TrainingWorkView.certificate": "pk",
           "ReportView.download": "artifact_id"}


def _url(rule: str, ids: dict[str, int]) -> str:
    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>",
                  lambda m: "csv" if m.group(0).startswith("<any") else str(ids.get(m.group(1), 1)), rule)


@pytest.mark.parametrize("role", sorted(PARTNERS))
def test_partner_gets_404_for_every_foreign_download_and_its_own_works(client, db, stack, reports, role):  # noqa: F811
    username, own_code, other_code = PARTNERS[role]
    objects = {"BLT-DD-2026": _objects(db, "BLT-DD-2026", 1), "SEMBAKO-CSR-2026": _objects(db, "SEMBAKO-CSR-2026", 3)}
    views = {view.class_permission_name: view for view in stack.app.appbuilder.baseviews}
    routes = [(rule, endpoint, view, permission) for rule, endpoint, view, permission, methods
              in _endpoint_permissions(stack.app) if permission and "GET" in methods and DOWNLOAD.search(rule)]
    assert len(routes) >= 8  # audit CSV, import rejections, cards, payments, minutes, agreements, certificates...
    login(client, username)
    problems, checked = [], 0
    for rule, endpoint, view, permission in routes:
        if not allowed(role, view, permission, getattr(views.get(view), "base_permissions", None)):
            answer = client.get(_url(rule, objects[other_code]))
            if not (_refused(answer) or answer.status_code == 404):
                problems.append(f"{endpoint}: tanpa izin tetapi dijawab {answer.status_code}")
            continue
        if endpoint not in FOREIGN:
            problems.append(f"{endpoint}: unduhan mitra tanpa uji objek milik mitra lain (tambahkan ke FOREIGN)")
            continue
        checked += 1
        foreign = client.get(_url(rule, objects[other_code]))
        foreign.get_data()
        if foreign.status_code != 404:
            problems.append(f"{endpoint}: berkas mitra lain dijawab {foreign.status_code}, bukan 404")
        own = client.get(_url(rule, objects[own_code]))
        own.get_data()
        if own.status_code == 404 or _refused(own):
            problems.append(f"{endpoint}: berkas sendiri ditolak ({own.status_code})")
    assert problems == []
    assert checked == len(FOREIGN)
