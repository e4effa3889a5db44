"""What the registry sends and shows names the row's own village: a Gili Anyar training's invitation and
certificate page and a Gili Anyar recipient's payment-verification SMS never say "Desa Kamal"."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from services.notifications.rendering import compile_template, render
from services.registry.app import create_app
from services.registry.capacity import trainings as tr
from services.registry.capacity.certificates import certificate_code
from services.registry.core.areas import shipped_codes, upsert
from services.registry.distribution import verification
from services.registry.models import Area, Entitlement, Household, Training, TrainingEnrolment, TrainingSession
from tests.helpers.builders import ents, make_cycle


def gili_anyar(session) -> Area:
    upsert(session, shipped_codes())
    return session.scalar(select(Area).where(Area.code == "35.26.04.2005"))


def test_training_invitation_and_certificate_of_gili_anyar(registry_url, session):
    gili = gili_anyar(session)
    cycle = make_cycle(session, households=1)
    person = ents(cycle)[0].recipient
    training = Training(topic="Menjahit", organiser_kind="desa", capacity=10, area_id=gili.id)
    training.sessions = [TrainingSession(held_on=date(2026, 12, 1), place="Balai Desa Gili Anyar")]
    enrolment = TrainingEnrolment(training=training, person_id=person.id, status="selesai",
                                  completed_on=date(2026, 12, 8))
    session.add_all([training, enrolment])
    session.flush()
    enrolment.certificate_code = certificate_code(enrolment.id)
    session.commit()
    [recipient] = tr.invitation_recipients(training, [enrolment])
    text = render(compile_template(tr.INVITATION_TEMPLATE), recipient["vars"])
    assert text.endswith("Info: kantor Desa Gili Anyar.") and "Kamal" not in text
    client = create_app({"TESTING": True, "DATABASE_URL": registry_url}).test_client()
    html = client.get(f"/public/certificates/{enrolment.certificate_code}").get_data(as_text=True)
    assert "SERTIFIKAT SAH" in html and "Pemerintah Desa Gili Anyar" in html
    assert "Verifikasi Sertifikat - Desa Gili Anyar" in html and "Kamal" not in html
    missing = client.get(f"/public/certificates/{enrolment.id}-00000000000000000000").get_data(as_text=True)
    assert "Kamal" not in missing


def test_payment_verification_sms_names_the_recipients_village(session):
    gili = gili_anyar(session)
    cycle = make_cycle(session, households=4)
    paid = ents(cycle)
    session.execute(update(Entitlement).where(Entitlement.cycle_id == cycle.id).values(status="disalurkan"))
    moved = [paid[0].household_id, paid[1].household_id]
    session.execute(update(Household).where(Household.id.in_(moved)).values(area_id=gili.id))
    session.commit()
    sample = verification.draw_sample(session, cycle.id, "auditor", confidence=0.99, margin=0.01, seed=3)
    template = compile_template(verification.QUESTION)
    texts = {case["recipient_key"]: render(template, case["vars"]) for case in verification.sms_recipients(sample)}
    by_household = {f"verifikasi-{c.id}": c.entitlement.household_id for c in sample.cases}
    assert len(texts) == 4
    for key, text in texts.items():
        village = "Desa Gili Anyar" if by_household[key] in moved else "Desa Kamal"
        assert text.startswith(f"Bansos {village}: apakah Anda sudah menerima"), text
        if village == "Desa Gili Anyar":
            assert "Kamal" not in text.replace("BLT-DD Desa Kamal", "")  # the programme's own name stays
