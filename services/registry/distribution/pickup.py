"""Cash and in-kind pickup: who should collect a card's entitlement, and recording that they did.

A second collection is refused by the database itself: the entitlement moves menunggu -> disalurkan
by a conditional UPDATE (only one transaction can win it) and ``pickup.entitlement_id`` is unique.
In-kind stock is decremented the same way (``remaining > 0`` in the WHERE clause).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from services.registry.core.audit import record
from services.registry.core.money import rupiah
from services.registry.distribution import ledger
from services.registry.distribution.cards import Card, make_token, read_token, short_name
from services.registry.distribution.common import DistributionError, require_frozen
from services.registry.models import Cycle, Entitlement, GoodsStock, Household, Person, Pickup

ADULT_AGE = 17  # KTP age in Indonesia: the youngest member who may collect for the household
PICKUP_CHANNELS = ("tunai", "barang")


def _age(birth: date | None, today: date) -> int:
    if birth is None:
        return 0
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def recipient_of(entitlement: Entitlement) -> dict:
    """The recipient as approved (the snapshot), falling back to the live registry for older rows."""
    snap = entitlement.snapshot or {}
    person = entitlement.recipient
    household = entitlement.household
    return {
        "person_id": snap.get("recipient_id") or entitlement.recipient_id,
        "name": snap.get("recipient_name") or snap.get("name") or (person.name if person else None),
        "nik": snap.get("nik") or (person.nik if person else None),
        "no_kk": snap.get("no_kk") or (household.no_kk if household else None),
    }


def benefit_text(entitlement: Entitlement) -> str:
    if entitlement.channel == "barang" or (entitlement.package and not entitlement.amount):
        return entitlement.package or "-"
    return rupiah(entitlement.amount or 0)


@dataclass
class PickupView:
    """What the operator sees after a scan."""

    entitlement: Entitlement
    recipient: dict
    proxies: list[Person] = field(default_factory=list)
    pickup: Pickup | None = None
    stock: GoodsStock | None = None

    @property
    def already_collected(self) -> bool:
        return self.pickup is not None or self.entitlement.status != "menunggu"


def _load(session: Session, entitlement_id: int) -> Entitlement | None:
    return session.execute(
        select(Entitlement).where(Entitlement.id == entitlement_id).options(
            selectinload(Entitlement.household).selectinload(Household.members),
            selectinload(Entitlement.recipient), selectinload(Entitlement.cycle).selectinload(Cycle.programme))
    ).scalar_one_or_none()


def lookup(session: Session, token_text: str, today: date | None = None) -> PickupView:
    token = read_token(token_text)
    entitlement = _load(session, token.entitlement_id)
    if entitlement is None or entitlement.cycle_id != token.cycle_id:
        raise DistributionError("Kartu tidak cocok dengan hak penerima mana pun")
    today = today or date.today()
    recipient = recipient_of(entitlement)
    proxies = [p for p in entitlement.household.members
               if p.id != recipient["person_id"] and _age(p.birth_date, today) >= ADULT_AGE]
    pickup = session.execute(select(Pickup).where(Pickup.entitlement_id == entitlement.id)).scalar_one_or_none()
    stock = None
    if entitlement.channel == "barang" and entitlement.package:
        stock = session.execute(select(GoodsStock).where(
            GoodsStock.cycle_id == entitlement.cycle_id, GoodsStock.package == entitlement.package)
        ).scalar_one_or_none()
    return PickupView(entitlement, recipient, proxies, pickup, stock)


def record_pickup(session: Session, token_text: str, *, collector_id: int | None, location: str,
                  handed_over_by: str, actor: str, today: date | None = None) -> Pickup:
    """Record one collection in the caller's session and commit it; refuse anything doubtful."""
    view = lookup(session, token_text, today)
    entitlement = view.entitlement
    require_frozen(entitlement.cycle)
    if entitlement.channel not in PICKUP_CHANNELS:
        raise DistributionError("Hak ini disalurkan lewat transfer bank, bukan pengambilan langsung")
    if view.already_collected:
        when = view.pickup.collected_at.strftime("%d-%m-%Y %H:%M") if view.pickup else "sebelumnya"
        raise DistributionError(f"Bantuan ini SUDAH DIAMBIL ({when}); pengambilan kedua ditolak")
    if not (location or "").strip() or not (handed_over_by or "").strip():
        raise DistributionError("Isi lokasi penyaluran dan nama petugas yang menyerahkan")
    allowed = {view.recipient["person_id"]: False, **{p.id: True for p in view.proxies}}
    if collector_id not in allowed:
        raise DistributionError("Pengambil bukan penerima atau anggota keluarga dewasa yang boleh mewakili")
    collector = session.get(Person, collector_id)
    # The ledger lock first, before the stock and entitlement rows.
    ledger.lock(session, [ledger.entry_area(session, entitlement_id=entitlement.id)])
    if entitlement.channel == "barang" and entitlement.package:
        taken = session.execute(update(GoodsStock).where(
            GoodsStock.cycle_id == entitlement.cycle_id, GoodsStock.package == entitlement.package,
            GoodsStock.remaining > 0).values(remaining=GoodsStock.remaining - 1))
        if taken.rowcount != 1:
            session.rollback()
            raise DistributionError(f"Stok {entitlement.package} untuk siklus ini habis atau belum dicatat")
    won = session.execute(update(Entitlement).where(
        Entitlement.id == entitlement.id, Entitlement.status == "menunggu").values(status="disalurkan"))
    if won.rowcount != 1:
        session.rollback()
        raise DistributionError("Bantuan ini SUDAH DIAMBIL; pengambilan kedua ditolak")
    pickup = Pickup(entitlement_id=entitlement.id, cycle_id=entitlement.cycle_id, collector_id=collector_id,
                    collector_name=collector.name if collector else view.recipient["name"],
                    is_proxy=allowed[collector_id], location=location.strip(),
                    handed_over_by=handed_over_by.strip(), recorded_by=actor)
    session.add(pickup)
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise DistributionError("Bantuan ini SUDAH DIAMBIL; pengambilan kedua ditolak") from exc
    details = {"is_proxy": pickup.is_proxy, "location": pickup.location, "handed_over_by": pickup.handed_over_by,
               "channel": entitlement.channel, "package": entitlement.package}
    ledger.append(session, cycle_id=entitlement.cycle_id, entitlement_id=entitlement.id, event="collected",
                  amount=entitlement.amount, actor=actor, payload={"pickup_id": pickup.id, **details})
    record(session, actor, "pickup", "entitlement", entitlement.id,
          **{"before": {"status": "menunggu"}, "after": {"status": "disalurkan"}, "collector_id": collector_id,
           **details})
    session.commit()
    return pickup


def set_stock(session: Session, cycle_id: int, package: str, received: int, actor: str) -> GoodsStock:
    """Record goods received for a cycle (adds to what is there); audited."""
    require_frozen(session.get(Cycle, cycle_id))
    if received <= 0:
        raise DistributionError("Jumlah barang diterima harus lebih dari nol")
    stock = session.execute(select(GoodsStock).where(GoodsStock.cycle_id == cycle_id, GoodsStock.package == package)
                            ).scalar_one_or_none()
    before = (stock.received, stock.remaining) if stock else (0, 0)
    if stock is None:
        stock = GoodsStock(cycle_id=cycle_id, package=package, received=0, remaining=0)
        session.add(stock)
        session.flush()
    session.execute(update(GoodsStock).where(GoodsStock.id == stock.id).values(
        received=GoodsStock.received + received, remaining=GoodsStock.remaining + received))
    session.refresh(stock)
    record(session, actor, "stock_in", "goods_stock", stock.id,
          **{"package": package, "before": {"received": before[0], "remaining": before[1]},
           "after": {"received": stock.received, "remaining": stock.remaining}})
    session.commit()
    return stock


def cards_for_cycle(session: Session, cycle_id: int) -> list[Card]:
    """Every pickup (cash/in-kind) entitlement of an approved cycle as a printable card."""
    cycle = require_frozen(session.get(Cycle, cycle_id))
    rows = session.execute(
        select(Entitlement).where(Entitlement.cycle_id == cycle_id, Entitlement.channel.in_(PICKUP_CHANNELS))
        .options(selectinload(Entitlement.recipient), selectinload(Entitlement.household))
        .order_by(Entitlement.id)
    ).scalars()
    cards = []
    for entitlement in rows:
        who = recipient_of(entitlement)
        cards.append(Card(make_token(entitlement.id, cycle_id), short_name(who["name"]), who["nik"], who["no_kk"],
                          cycle.programme.name, cycle.name, benefit_text(entitlement)))
    return cards
