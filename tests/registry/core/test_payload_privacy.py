"""Personal data in task payloads, logs and error pages. The main journeys (roster import, campaigns to
every audience, payment verification, the public complaint form, monthly reports) run with a capturing
sender; no NIK, KK or bank account of the data set may appear in any payload sent to another service
(notifications needs a phone, never a NIK), in the logs, in an import's stored error or on an error page."""
from __future__ import annotations

import json
import logging
import re
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from services.common import contracts
from services.common.logging import FORMAT, RedactingFormatter
from services.registry.app import create_app
from services.registry.distribution import verification
from services.registry.models import (
    BankAccount,
    Enrolment,
    Entitlement,
    Household,
    HouseholdWelfare,
    ImportJob,
    Person,
    Programme,
)
from services.registry.people.importer import jobs
from tests.helpers.builders import make_cycle

UNKNOWN_NIK = "3526014107990009"  # typed into a campaign list, not in the registry
IDENTITY = re.compile(r"nik|no_kk|kk$|account|rekening|alamat|address|birth")


def _logged(caplog) -> str:
    """The captured records as the services' own log handler writes them."""
    formatter = RedactingFormatter(FORMAT)
    return "\n".join(formatter.format(record) for record in caplog.records)


class Capture:
    """Stands in for Celery: records what would be sent, as the receiving service would get it."""

    def __init__(self):
        self.sent: list[tuple[str, dict]] = []

    def send_task(self, name, kwargs, queue, **options):
        self.sent.append((name, kwargs["payload"]))


def _secrets(session) -> set[str]:
    return ({*session.scalars(select(Person.nik)), *session.scalars(select(Household.no_kk)),
             *session.scalars(select(BankAccount.account_number)), UNKNOWN_NIK} - {None, ""})


def _village(session):
    cycle = make_cycle(session, households=8, channel="bank", with_accounts=True)
    session.execute(update(Programme).values(status="aktif"))
    for n, entitlement in enumerate(sorted(cycle.entitlements, key=lambda e: e.id)):
        session.add(Enrolment(programme_id=cycle.programme_id, household_id=entitlement.household_id,
                              recipient_id=entitlement.recipient_id, status="aktif", enrolled_on=date(2027, 1, 1)))
        session.add(HouseholdWelfare(household_id=entitlement.household_id, band="miskin" if n % 2 else "rentan",
                                     explanation={}))
    session.commit()
    return cycle


def _campaigns(session, capture, cycle, monkeypatch):
    """Every audience through the admin's own send_campaign (its session and Celery swapped for ours)."""
    from admin.views.outreach import campaigns

    monkeypatch.setattr(campaigns, "db_session", lambda: session)
    monkeypatch.setattr(campaigns, "celery_app", lambda: capture)
    heads = session.scalars(select(Person).where(Person.relationship_to_head == "KEPALA KELUARGA")).all()
    manual = "\n".join([heads[0].nik, heads[1].phone, UNKNOWN_NIK, heads[2].household.no_kk, "0812 3456 7890"])
    audiences = [("programme", {"programme_id": cycle.programme_id}), ("cycle_unpaid", {"cycle_id": cycle.id}),
                 ("area", {"dusun": "Kamal", "rt": "001", "area_id": heads[0].household.area_id}), ("welfare_band", {"band": "miskin"}),
                 ("manual", {"entries": manual})]
    app = Flask("uji")
    app.config["CAMPAIGN_BATCH_SIZE"] = 3
    with app.app_context():
        for audience, params in audiences:
            _, count, _ = campaigns.send_campaign(audience, params, "Yth. {{ nama }}", "sms", "operator")
            assert count > 0, audience


def _complaint(registry_url, tmp_var, monkeypatch, capture):
    from services.reports import schema as reports_schema
    from services.reports.app import create_app as reports_app
    from services.reports.public import site

    reports_url = f"sqlite:///{tmp_var / 'reports.db'}"
    reports_schema.upgrade(reports_url)
    for key, value in {"REGISTRY_READ_URL": registry_url, "REPORTS_DATABASE_URL": reports_url,
                       "REPORTS_STORE": str(tmp_var / "reports"), "CELERY_BROKER_URL": "memory://"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(site, "send", lambda celery, name, payload: capture.send_task(name, {"payload": payload}, ""))
    client = reports_app({"TESTING": True}).test_client()
    page = client.get("/publik/pengaduan").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = client.post("/publik/pengaduan", data={"csrf_token": token, "category": "dipotong",
                                                    "body": "Bantuan dipotong oknum Rp50.000",
                                                    "location": "RT 001", "phone": "081234567890"},
                         content_type="multipart/form-data")
    assert answer.status_code == 201, answer.get_data(as_text=True)[:500]


def test_no_identity_number_in_any_task_payload_or_log(session, engine, registry_url, tmp_var, demo_roster,
                                                       caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    cycle = _village(session)
    capture = Capture()
    # Roster import: the admin sends only the job id; the worker logs its counts.
    path, _ = demo_roster(households=5, invalid=2)
    job = jobs.create_import_job(session, path.name, str(path), "operator")
    contracts.send(capture, "registry.import_roster", {"import_id": job.id})
    assert jobs.run_import_job(engine, job.id).status == "selesai"
    _campaigns(session, capture, cycle, monkeypatch)
    session.execute(update(Entitlement).values(status="disalurkan"))
    session.commit()
    sample = verification.draw_sample(session, cycle.id, "auditor", confidence=0.9, margin=0.1, seed=3)
    assert verification.send_questions(session, capture, sample.id, "operator") > 0
    _complaint(engine.url.render_as_string(hide_password=False), tmp_var, monkeypatch, capture)
    from services.reports.runner import monthly_payloads

    for payload in monthly_payloads(engine.url.render_as_string(hide_password=False), "2027-01"):
        contracts.send(capture, "reports.generate", payload)

    names = {name for name, _ in capture.sent}
    assert names >= {"registry.import_roster", "notifications.send_batch", "registry.record_complaint",
                     "reports.generate"}
    secrets = _secrets(session)
    assert len(secrets) > 30
    for name, payload in capture.sent:
        contracts.validate(name, payload)
        dumped = json.dumps(payload, ensure_ascii=False)
        leaked = [s for s in secrets if s in dumped]
        assert not leaked, f"{name} carries {leaked}: {dumped[:500]}"
    unknown = [r for name, p in capture.sent if name == "notifications.send_batch" for r in p["recipients"]
               if r["recipient_key"].startswith("nik-")]
    assert len(unknown) == 2 and all(r["phone"] is None for r in unknown)  # unknown NIK and the KK, masked
    leaked = [s for s in secrets if s in _logged(caplog)]
    assert not leaked, f"logged: {leaked}"


def test_contract_schemas_have_no_identity_fields():
    """A receiver that needed a NIK would have to declare it here; none does (guards future changes)."""

    def fields(schema):
        for key, value in (schema.get("properties") or {}).items():
            yield key
            yield from fields(value)
            yield from fields(value.get("items") or {})

    for name, schema in contracts.TASKS.items():
        assert not [f for f in fields(schema) if IDENTITY.search(f.lower())], name


def test_database_errors_never_carry_identity_numbers_into_job_errors_logs_or_error_pages(
        session, engine, registry_url, demo_roster, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    _village(session)
    existing = session.scalars(select(Household.no_kk)).first()
    nik = session.scalars(select(Person.nik)).first()

    def clashing_apply(db_session, rows):  # a real constraint violation whose parameters are a KK and NIK
        db_session.execute(insert(Household).values(no_kk=existing, address=nik))
        raise AssertionError("unreachable")

    monkeypatch.setattr(jobs, "apply_rows", clashing_apply)
    path, _ = demo_roster(households=3, invalid=0)
    job = jobs.create_import_job(session, path.name, str(path), "operator")
    with pytest.raises(Exception, match="(?i)unique|duplicate"):
        jobs.run_import_job(engine, job.id)
    failed = session.get(ImportJob, job.id)
    session.refresh(failed)
    assert failed.status == "gagal" and "Impor gagal" in failed.error
    assert existing not in failed.error and nik not in failed.error

    app = create_app({"DATABASE_URL": registry_url, "SERVICE_TOKEN": "t", "CELERY_BROKER_URL": "memory://"})
    with Session(engine) as admin_session:  # the table goes away under the API: every lookup is a 500
        admin_session.execute(text("ALTER TABLE person RENAME TO person_hilang"))
        admin_session.commit()
    answer = app.test_client().get(f"/api/persons?nik={nik}", headers={"Authorization": "Bearer t"})
    assert answer.status_code == 500
    assert nik not in answer.get_data(as_text=True)
    logged = _logged(caplog)
    assert "person" in logged and "impor" in logged  # both failures are logged, without the values
    for value in (existing, nik):
        assert value not in logged
    app.extensions["database"].engine.dispose()
