"""Indicator dashboard, definitions, evaluation and satisfaction codes in the admin, per role."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from services.registry.models import (
    Cycle,
    Enrolment,
    Indicator,
    Person,
    Programme,
    SatisfactionCode,
)
from tests.admin.indicators import indicator_data
from tests.admin.stack import login, queued_tasks
from tests.helpers.builders import entitle_enrolled


@pytest.fixture
def filled(stack, db):
    indicator_data.fill(db)
    return db


def cards(page: str) -> set[str]:
    return set(re.findall(r'class="panel panel-default indicator-card" data-code="([^"]+)"', page))


def card(page: str, code: str) -> str:
    start = page.index(f'data-code="{code}"')
    return page[start:page.index('class="panel panel-default indicator-card"', start + 10)
                if 'class="panel panel-default indicator-card"' in page[start + 10:] else len(page)]


def test_staff_see_every_indicator_with_trend_and_status(client, filled):
    login(client, "operator")
    page = client.get("/indicator-dashboard/").get_data(as_text=True)
    codes = set(filled.scalars(select(Indicator.code).where(Indicator.active.is_(True))))
    assert cards(page) == codes and len(codes) == 13
    village = card(page, "PARTISIPASI")
    assert "96%" in village and "tercapai" in village and "belum tercapai" not in village
    assert village.count('class="point"') == 3 and 'class="ref-target"' in village  # three periods, target line
    blt = card(page, "PARTISIPASI-BLT-DD-2026")
    assert "75%" in blt and "belum tercapai" in blt
    assert "tercapai" in card(page, "PENGADUAN-HARI")  # 8 days <= 10 days target, lower is better
    assert "cdn" not in page.lower() and "<svg" in page


@pytest.mark.parametrize(("user", "own", "other"), [("mitra_lsm", "BLT-DD-2026", "SEMBAKO-CSR-2026"),
                                                    ("mitra_csr", "SEMBAKO-CSR-2026", "BLT-DD-2026")])
def test_partners_see_only_their_programmes_indicators(client, filled, user, own, other):
    login(client, user)
    page = client.get("/indicator-dashboard/").get_data(as_text=True)
    assert cards(page) == {f"PARTISIPASI-{own}", f"KEPUASAN-{own}", f"SERAPAN-ANGGARAN-{own}"}
    own_id = filled.scalar(select(Programme.id).where(Programme.code == own))
    other_id = filled.scalar(select(Programme.id).where(Programme.code == other))
    assert client.get(f"/indicator-dashboard/evaluation/{other_id}").status_code == 404
    assert client.get(f"/indicator-dashboard/evaluation/{own_id}").status_code == 200
    assert client.get("/indicators/list/").status_code in (302, 403)  # no definitions for partners
    assert client.post("/indicator-dashboard/compute", data={}).status_code in (302, 403)
    assert other not in page  # neither its indicators nor its evaluation link


def test_evaluation_masks_nik_for_partners_and_shows_change(client, filled):
    blt = filled.scalar(select(Programme).where(Programme.code == "BLT-DD-2026"))
    enrolled = select(Enrolment.household_id).where(Enrolment.programme_id == blt.id)
    niks = set(filled.scalars(select(Person.nik).where(Person.household_id.in_(enrolled))))
    login(client, "operator")
    staff = client.get(f"/indicator-dashboard/evaluation/{blt.id}").get_data(as_text=True)
    assert any(nik in staff for nik in niks)
    # Every BLT household with a needs survey got +500.000 in the follow-up: mean and median change.
    summary = staff.split('id="evaluation-summary"')[1].split("</table>")[0]
    first_row = summary.split("<tr>")[2]
    assert first_row.count("Rp500.000") == 2
    login(client, "mitra_lsm")
    partner = client.get(f"/indicator-dashboard/evaluation/{blt.id}").get_data(as_text=True)
    assert not any(nik in partner for nik in niks)
    assert re.search(r'class="nik">\d{4}•{8}\d{4}<', partner)  # masked, as everywhere for partners


def test_definitions_crud_validates_parameters(client, filled):
    login(client, "operator")
    form = {"code": "UJI-CAKUPAN", "name": "Cakupan miskin+rentan", "computation": "cakupan_termiskin",
            "unit": "%", "baseline": "40", "target": "70", "direction": "naik", "granularity": "bulan",
            "active": "y"}
    bad = client.post("/indicators/add", data={**form, "params_text": "{bands: miskin"}, follow_redirects=True)
    assert "bukan JSON yang sah" in bad.get_data(as_text=True)
    wrong = client.post("/indicators/add", data={**form, "computation": "ramalan", "params_text": ""},
                        follow_redirects=True)
    assert "tidak dikenal" in wrong.get_data(as_text=True)
    assert filled.scalar(select(Indicator).where(Indicator.code == "UJI-CAKUPAN")) is None
    client.post("/indicators/add", data={**form, "params_text": '{"bands": ["miskin", "rentan"]}'})
    filled.expire_all()
    made = filled.scalar(select(Indicator).where(Indicator.code == "UJI-CAKUPAN"))
    assert made.parameters == {"bands": ["miskin", "rentan"]} and made.target == Decimal(70)
    login(client, "auditor")
    assert client.get(f"/indicators/show/{made.id}").status_code == 200
    assert client.get("/indicators/add").status_code in (302, 403)
    filled.delete(made)
    filled.commit()


def test_codes_issued_after_distribution_and_sent_as_sms_campaign(client, filled, stack):
    blt = filled.scalar(select(Programme).where(Programme.code == "BLT-DD-2026"))
    cycle = filled.scalar(select(Cycle).where(Cycle.name == "Uji kode survei"))
    if cycle is None:
        cycle = Cycle(programme_id=blt.id, name="Uji kode survei", status="selesai")
        filled.add(cycle)
        filled.flush()
        entitle_enrolled(filled, blt, cycle, ("disalurkan", "disalurkan", "menunggu"), amount=Decimal(300000))
        filled.commit()
    stack.flush_broker()
    login(client, "operator")
    client.post(f"/satisfaction-codes/cycle/{cycle.id}/issue", data={})
    issued = filled.scalars(select(SatisfactionCode).where(SatisfactionCode.cycle_id == cycle.id)).all()
    assert len(issued) == 2  # the two households that received; the waiting one gets none yet
    client.post(f"/satisfaction-codes/cycle/{cycle.id}/issue", data={})
    assert len(filled.scalars(select(SatisfactionCode).where(SatisfactionCode.cycle_id == cycle.id)).all()) == 2
    page = client.get("/satisfaction-codes/").get_data(as_text=True)
    assert "Uji kode survei" in page
    client.post(f"/satisfaction-codes/cycle/{cycle.id}/send", data={})
    tasks = [kw["payload"] for name, kw in queued_tasks(stack.broker, stack.var, "notifications")
             if name == "notifications.send_batch"]
    assert tasks and tasks[-1]["campaign_key"] == f"satisfaction-cycle-{cycle.id}"
    sent = {r["vars"]["kode"] for r in tasks[-1]["recipients"]}
    assert sent == {c.code for c in issued}
    links = {r["vars"]["kode"]: r["vars"]["tautan"] for r in tasks[-1]["recipients"]}
    assert all(link.endswith(f"/publik/survei?kode={code}") for code, link in links.items())
    login(client, "mitra_lsm")
    assert client.post(f"/satisfaction-codes/cycle/{cycle.id}/issue", data={}).status_code in (302, 403)
