"""Partners record their own distributions and nothing else; Ruang Mitra shows their programmes, money per
source, masked recipients, trainings and outcomes; operators pay out capital by cash or bank into the ledger
(SQLite + PostgreSQL, through the admin's test client)."""
from __future__ import annotations

import re

from sqlalchemy import select

from services.registry.distribution import cards, ledger
from services.registry.models import (
    BankAccount,
    Entitlement,
    Household,
    LedgerEntry,
    Programme,
    Training,
)
from tests.admin.stack import login
from tests.helpers.builders import approved_grants, ents, partner_cycle

LSM = "Yayasan Madura Sejahtera"


def _record(client, entitlement, location="Posko LSM"):
    return client.post("/distribution/pickup/record", data={
        "token": cards.make_token(entitlement.id, entitlement.cycle_id), "collector_id": entitlement.recipient_id,
        "location": location, "handed_over_by": "Relawan Yayasan"}, follow_redirects=True).data.decode()


def test_partner_records_own_handover_once_and_nothing_of_another_partner(client, db):
    own, _ = partner_cycle(db, LSM)
    foreign, _ = partner_cycle(db, "PT Garam Bangkalan Lestari")
    mine, theirs = ents(own)[0], ents(foreign)[0]
    own_id, foreign_id, theirs_id = own.id, foreign.id, theirs.id
    household = db.get(Household, mine.household_id)
    household_id, person_id = household.id, household.members[0].id
    login(client, "mitra_lsm")
    assert "Tercatat" in _record(client, mine)
    assert "SUDAH DIAMBIL" in _record(client, mine, "Posko kedua")  # the same service refuses a second one
    db.expire_all()
    entries = db.scalars(select(LedgerEntry).where(LedgerEntry.entitlement_id == mine.id)).all()
    assert [(e.event, e.actor) for e in entries] == [("collected", "mitra_lsm")]
    assert ledger.verify(db).ok  # (verify expunges the session's objects: only ids below)

    # Another partner's cycle and card: 404 and refused, nothing written.
    assert client.get(f"/distribution/cycles/{foreign_id}").status_code == 404
    assert client.get(f"/distribution/cycles/{foreign_id}/cards.pdf").status_code == 404
    theirs = db.get(Entitlement, theirs_id)
    assert "bukan wewenang" in _record(client, theirs)
    db.expire_all()
    assert db.get(Entitlement, theirs_id).status == "menunggu"
    # Nothing else: no bank batches, no stock, no registry edits.
    assert client.post(f"/distribution/cycles/{own_id}/stock", data={"package": "beras", "received": "5"}
                       ).status_code == 403
    assert client.post(f"/payments/cycles/{own_id}/batches").status_code == 403
    assert client.get(f"/households/edit/{household_id}").status_code == 403
    assert client.get(f"/persons/edit/{person_id}").status_code == 403
    assert client.get("/capital/add").status_code == 403


def test_partner_cannot_touch_another_organisers_training(client, db):
    csr = db.scalars(select(Programme).where(Programme.code == "SEMBAKO-CSR-2026")).one()
    foreign = Training(topic="Budidaya rumput laut CSR", organiser_kind="csr", programme_id=csr.id, capacity=5)
    db.add(foreign)
    db.commit()
    login(client, "mitra_lsm")
    assert client.get(f"/trainings/edit/{foreign.id}").status_code == 404
    client.post(f"/trainings/edit/{foreign.id}", data={"topic": "Diambil alih", "organiser_kind": "lsm",
                                                       "capacity": "5", "status": "direncanakan"})
    assert client.get(f"/trainings/delete/{foreign.id}").status_code in (403, 404)
    db.expire_all()
    assert db.get(Training, foreign.id).topic == "Budidaya rumput laut CSR"


def test_workspace_shows_money_per_source_masked_recipients_and_report_link(client, db):
    cycle, _ = partner_cycle(db, LSM)
    login(client, "mitra_lsm")
    _record(client, ents(cycle)[0])
    page = client.get("/mitra/").data.decode()
    assert cycle.programme.name in page and "SEMBAKO" not in page
    source_cell = re.search(r'<td class="partner-sources">(.*?)</td>', page.split(cycle.programme.name, 1)[1], re.S)
    assert "Rp50.000.000" in source_cell.group(1) and "Rp300.000" in source_cell.group(1)  # budget, disbursed
    recipients = page.split('id="partner-recipients"', 1)[1].split("</table>", 1)[0]
    assert "Moh. Sholeh" in recipients and "001/002" in recipients and "diterima" in recipients
    assert not re.findall(r"\d{16}", page) and "Jl. Raya Kamal" not in page  # masked NIK, RT/RW only
    assert 'href="/reports/"' in page and 'id="go-pickup"' in page
    cycles = page.split('id="partner-cycles"', 1)[1].split("</table>", 1)[0]
    assert cycle.name in cycles
    # Who-gets-what leads village staff to the household pathway; partners (masked view) get no such link.
    no_kk = ents(cycle)[0].household.no_kk
    assert "who-pathway" not in client.get(f"/who-gets-what/?q={no_kk}").data.decode()
    login(client, "operator")
    found = client.get(f"/who-gets-what/?q={no_kk}").data.decode()
    assert f'/capital-work/household/{ents(cycle)[0].household_id}/pathway' in found


def test_operator_pays_capital_by_bank_and_cash_into_the_ledger(client, db):
    cycle, source = partner_cycle(db, LSM, with_accounts=True)
    first, second = (e.household for e in ents(cycle))
    grants = approved_grants(db, (first, second), source, "2000000")
    account = db.scalars(select(BankAccount).where(BankAccount.person_id == first.members[0].id)).one()
    login(client, "operator")
    page = client.get(f"/capital-work/{grants[0].id}/").data.decode()
    assert "Sumber dana" in page and f'value="{account.id}"' in page
    refused = client.post(f"/capital-work/{grants[0].id}/disburse", data={
        "channel": "bank", "bank_account_id": str(account.id), "bank_reference": ""}, follow_redirects=True)
    assert "referensi" in refused.data.decode()
    client.post(f"/capital-work/{grants[0].id}/disburse", data={
        "channel": "bank", "on": "2027-02-01", "bank_account_id": str(account.id), "bank_reference": "BRI-0001"})
    client.post(f"/capital-work/{grants[1].id}/disburse", data={
        "channel": "tunai", "on": "2027-02-01", "collector_id": str(second.members[1].id),
        "location": "Balai Desa Kamal", "handed_over_by": "Bendahara desa"})
    db.expire_all()
    events = [(e.event, e.capital_grant_id) for e in db.scalars(
        select(LedgerEntry).where(LedgerEntry.capital_grant_id.in_([g.id for g in grants])).order_by(LedgerEntry.seq))]
    assert events == [("paid", grants[0].id), ("collected", grants[1].id)]
    shown = client.get(f"/capital-work/{grants[0].id}/").data.decode()
    assert "ref. BRI-0001" in shown and "buku besar" in shown
    index = client.get("/distribution/").data.decode()
    assert 'id="capital-ledger"' in index
    assert "Buku besar utuh" in client.post("/distribution/ledger/check", follow_redirects=True).data.decode()
    funding = client.get("/funding/").data.decode().split(source.name, 1)[1].split("</tr>", 1)[0]
    assert "Rp4.000.000" in funding  # bank Rp2.000.000 + cash Rp2.000.000 paid out of this source
    login(client, "mitra_lsm")
    capital = client.get("/mitra/").data.decode().split('id="partner-capital"', 1)[1].split("</table>", 1)[0]
    assert "Warung kelontong" in capital and "Rp2.000.000" in capital
