"""Pickup by signed card: forged cards refused, proxies allowed, second collection refused, stock counted."""
from __future__ import annotations

import io
import threading

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.registry.distribution import cards, ledger, pickup
from services.registry.distribution.common import DistributionError
from services.registry.models import AuditEntry, Entitlement, GoodsStock, LedgerEntry, Pickup
from tests.helpers.builders import ents, make_cycle


def _token(entitlement):
    return cards.make_token(entitlement.id, entitlement.cycle_id)


@pytest.mark.parametrize("registry_url", ["sqlite"], indirect=True)  # no PostgreSQL-specific behaviour
def test_forged_or_altered_cards_are_refused(session):
    cycle = make_cycle(session, households=2)
    first, second = ents(cycle)
    good = _token(first)
    assert cards.read_token(good.lower() + "  ").entitlement_id == first.id  # typed in lower case, stray spaces
    altered = good.replace(f"-{first.id}-", f"-{second.id}-", 1)
    with pytest.raises(DistributionError, match="palsu"):
        cards.read_token(altered)
    with pytest.raises(DistributionError, match="tidak dikenali"):
        cards.read_token("hello")


@pytest.mark.parametrize("registry_url", ["sqlite"], indirect=True)  # no PostgreSQL-specific behaviour
def test_card_signed_with_another_key_is_refused(session, monkeypatch):
    cycle = make_cycle(session, households=1)
    monkeypatch.setenv("REGISTRY_CARD_SECRET", "kunci-desa-lain")
    foreign = _token(ents(cycle)[0])
    monkeypatch.setenv("REGISTRY_CARD_SECRET", "kunci-desa-kamal")
    with pytest.raises(DistributionError, match="palsu"):
        cards.read_token(foreign)


@pytest.mark.parametrize("registry_url", ["sqlite"], indirect=True)  # no PostgreSQL-specific behaviour
def test_lookup_shows_recipient_and_adult_proxies_only(session):
    cycle = make_cycle(session, households=1)
    view = pickup.lookup(session, _token(ents(cycle)[0]))
    assert view.recipient["name"].startswith("Moh. Sholeh")
    assert [p.name for p in view.proxies] == ["Siti Aminah 0"]  # the child of 10 may not collect


def test_pickup_by_proxy_then_second_pickup_refused(session):
    cycle = make_cycle(session, households=2)
    entitlement = ents(cycle)[0]
    view = pickup.lookup(session, _token(entitlement))
    done = pickup.record_pickup(session, _token(entitlement), collector_id=view.proxies[0].id,
                                location="Balai Desa Kamal", handed_over_by="Bu Rina", actor="operator")
    assert done.is_proxy and done.collector_name == "Siti Aminah 0"
    with pytest.raises(DistributionError, match="SUDAH DIAMBIL"):
        pickup.record_pickup(session, _token(entitlement), collector_id=view.recipient["person_id"],
                             location="Balai Desa", handed_over_by="Pak Budi", actor="operator")
    session.expire_all()
    assert session.get(Entitlement, entitlement.id).status == "disalurkan"
    assert session.execute(select(func.count()).select_from(Pickup)).scalar_one() == 1
    entry = session.execute(select(LedgerEntry)).scalar_one()
    assert (entry.event, entry.entitlement_id, int(entry.amount)) == ("collected", entitlement.id, 300000)
    audit = session.execute(select(AuditEntry).where(AuditEntry.action == "pickup")).scalar_one()
    assert audit.details["before"] == {"status": "menunggu"} and audit.details["after"] == {"status": "disalurkan"}
    assert ledger.verify(session).ok


def test_stranger_child_and_unapproved_cycle_are_refused(session):
    cycle = make_cycle(session, households=2)
    entitlement, other = ents(cycle)
    child = [p for p in entitlement.household.members if p.relationship_to_head == "ANAK"][0]
    with pytest.raises(DistributionError, match="bukan penerima"):
        pickup.record_pickup(session, _token(entitlement), collector_id=other.recipient_id, location="Balai",
                             handed_over_by="Rina", actor="operator")
    with pytest.raises(DistributionError, match="bukan penerima"):
        pickup.record_pickup(session, _token(entitlement), collector_id=child.id, location="Balai",
                             handed_over_by="Rina", actor="operator")
    draft = make_cycle(session, households=1, status="musyawarah", code="PKH")
    with pytest.raises(DistributionError, match="disetujui"):
        pickup.record_pickup(session, _token(ents(draft)[0]), collector_id=ents(draft)[0].recipient_id,
                             location="Balai", handed_over_by="Rina", actor="operator")


def test_concurrent_double_scan_pays_once(session, engine):
    cycle = make_cycle(session, households=1)
    entitlement = ents(cycle)[0]
    outcomes = []

    def scan():
        with Session(engine) as own:
            try:
                pickup.record_pickup(own, _token(entitlement), collector_id=entitlement.recipient_id,
                                     location="Balai", handed_over_by="Rina", actor="operator")
                outcomes.append("ok")
            except DistributionError as exc:
                outcomes.append(str(exc))

    threads = [threading.Thread(target=scan) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1, outcomes
    assert session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == 1


def test_in_kind_stock_decrements_and_refuses_when_empty(session):
    cycle = make_cycle(session, households=3, channel="barang", package="beras 10 kg")
    pickup.set_stock(session, cycle.id, "beras 10 kg", 2, "operator")
    for entitlement in ents(cycle)[:2]:
        pickup.record_pickup(session, _token(entitlement), collector_id=entitlement.recipient_id, location="Gudang",
                             handed_over_by="Rina", actor="operator")
    last = ents(cycle)[2]
    with pytest.raises(DistributionError, match="habis"):
        pickup.record_pickup(session, _token(last), collector_id=last.recipient_id, location="Gudang",
                             handed_over_by="Rina", actor="operator")
    session.expire_all()
    stock = session.execute(select(GoodsStock)).scalar_one()
    assert (stock.received, stock.remaining) == (2, 0)
    assert session.get(Entitlement, last.id).status == "menunggu"  # nothing half-recorded


@pytest.mark.parametrize("registry_url", ["sqlite"], indirect=True)  # no PostgreSQL-specific behaviour
def test_cards_pdf_masks_identifiers_and_carries_verifiable_tokens(session):
    cycle = make_cycle(session, households=9)
    sheet = pickup.cards_for_cycle(session, cycle.id)
    pdf = PdfReader(io.BytesIO(cards.render_cards_pdf(sheet, "Kartu")))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert len(pdf.pages) == 2  # eight cards per A4 page
    head = ents(cycle)[0].recipient
    assert head.nik not in text and head.household.no_kk not in text and head.name not in text
    assert "Moh. S. B. A. 0" in text and "3526" in text
    assert cards.read_token(sheet[0].token).entitlement_id == ents(cycle)[0].id
    assert sheet[0].token in text
