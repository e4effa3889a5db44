"""Business capital: proposal -> assessment -> approval -> disbursement, loan schedules, repayments, visits."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import CapitalDisbursement, CapitalFollowUp, CapitalGrant, LoanInstalment, LoanPayment
from ..models.capital import CAPITAL_KINDS, CHANNELS
from .common import CapacityError, add_months, audit

BUSINESS_STATUSES = ("berjalan", "berkembang", "berhenti")


def money(value, label: str = "Jumlah") -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise CapacityError(f"{label} bukan angka: {value!r}") from None
    if amount <= 0:
        raise CapacityError(f"{label} harus lebih dari nol")
    return amount


def propose(session: Session, actor: str, *, kind: str, business: str, amount, household=None, group=None,
            programme=None, purpose: str | None = None, instalments: int | None = None) -> CapitalGrant:
    if kind not in CAPITAL_KINDS:
        raise CapacityError(f"Jenis bantuan modal tidak dikenal: {kind!r} (hibah atau pinjaman)")
    if (household is None) == (group is None):
        raise CapacityError("Penerima modal harus satu keluarga atau satu kelompok usaha")
    if kind == "pinjaman" and not (instalments and 1 <= int(instalments) <= 60):
        raise CapacityError("Pinjaman bergulir memerlukan jumlah angsuran 1 sampai 60 bulan")
    grant = CapitalGrant(kind=kind, business=business, amount_requested=money(amount, "Nilai usulan"),
                         household=household, group=group, programme=programme, purpose=purpose,
                         instalments=int(instalments) if kind == "pinjaman" else None, status="usulan")
    session.add(grant)
    audit(session, actor, "propose", grant, kind=kind, amount=grant.amount_requested)
    return grant


def _move(session, grant: CapitalGrant, expected: tuple[str, ...], new: str, actor: str, **details) -> None:
    if grant.status not in expected:
        raise CapacityError(f"Usulan berstatus '{grant.status}' tidak dapat diubah menjadi '{new}'")
    before, grant.status = grant.status, new
    audit(session, actor, new, grant, status=[before, new], **details)


def assess(session: Session, grant: CapitalGrant, actor: str, note: str) -> CapitalGrant:
    if not (note or "").strip():
        raise CapacityError("Hasil penilaian wajib diisi")
    grant.assessment, grant.assessed_by = note.strip(), actor
    _move(session, grant, ("usulan", "dinilai"), "dinilai", actor, assessment=grant.assessment)
    return grant


def decide(session: Session, grant: CapitalGrant, actor: str, approve: bool, amount=None) -> CapitalGrant:
    if actor == grant.assessed_by:
        raise CapacityError("Penilai tidak boleh menyetujui usulannya sendiri (pemisahan tugas)")
    if not approve:
        _move(session, grant, ("dinilai",), "ditolak", actor)
        return grant
    approved = money(amount if amount is not None else grant.amount_requested, "Nilai disetujui")
    if approved > grant.amount_requested:
        raise CapacityError("Nilai disetujui melebihi nilai usulan")
    grant.amount_approved, grant.approved_by = approved, actor
    _move(session, grant, ("dinilai",), "disetujui", actor, amount_approved=approved)
    return grant


def disburse(session: Session, grant: CapitalGrant, actor: str, channel: str, on: date | None = None,
             key: str | None = None) -> CapitalDisbursement:
    """Pay out the approved amount once (the key makes a repeated click or retry a no-op)."""
    key = key or f"capital-{grant.id}-disburse"
    existing = session.scalar(select(CapitalDisbursement).where(CapitalDisbursement.key == key))
    if existing is not None:
        return existing
    if channel not in CHANNELS:
        raise CapacityError(f"Saluran penyaluran tidak dikenal: {channel!r} (tunai, bank atau barang)")
    if grant.status != "disetujui":
        raise CapacityError(f"Usulan berstatus '{grant.status}' belum dapat dicairkan")
    on = on or date.today()
    payout = CapitalDisbursement(grant=grant, key=key, amount=grant.amount_approved, channel=channel,
                                 disbursed_on=on, recorded_by=actor)
    session.add(payout)
    # LEAD: feed the distribution ledger (the distribution work's table) with this payout: household or
    # group, amount, channel, date, key - so cash -> capital shows in one ledger.
    if grant.kind == "pinjaman":
        _schedule(session, grant, on)
    _move(session, grant, ("disetujui",), "dicairkan", actor, amount=payout.amount, channel=channel)
    return payout


def _schedule(session: Session, grant: CapitalGrant, disbursed_on: date) -> None:
    """Equal monthly instalments, interest-free (revolving village fund); the last takes the rounding."""
    count = grant.instalments
    each = (grant.amount_approved / count).quantize(Decimal("1"), rounding=ROUND_DOWN)
    for number in range(1, count + 1):
        amount = each if number < count else grant.amount_approved - each * (count - 1)
        session.add(LoanInstalment(grant=grant, number=number, due_on=add_months(disbursed_on, number),
                                   amount_due=amount, amount_paid=Decimal("0")))


def record_payment(session: Session, grant: CapitalGrant, amount, actor: str, on: date | None = None,
                   key: str | None = None) -> LoanPayment:
    """A repayment, applied to the oldest open instalments first; an overpayment is refused."""
    amount = money(amount, "Pembayaran")
    key = key or f"capital-{grant.id}-pay-{(on or date.today()).isoformat()}-{amount}"
    existing = session.scalar(select(LoanPayment).where(LoanPayment.key == key))
    if existing is not None:
        return existing
    if grant.kind != "pinjaman" or grant.status not in ("dicairkan",):
        raise CapacityError("Pembayaran hanya untuk pinjaman yang sudah dicairkan dan belum lunas")
    outstanding = sum((i.amount_due - i.amount_paid for i in grant.schedule), Decimal("0"))
    if amount > outstanding:
        raise CapacityError(f"Pembayaran Rp{amount:,.0f} melebihi sisa pinjaman Rp{outstanding:,.0f}")
    payment = LoanPayment(grant=grant, key=key, amount=amount, paid_on=on or date.today(), recorded_by=actor)
    session.add(payment)
    left = amount
    for instalment in grant.schedule:
        due = instalment.amount_due - instalment.amount_paid
        if due <= 0 or left <= 0:
            continue
        take = min(due, left)
        instalment.amount_paid += take
        left -= take
    audit(session, actor, "repayment", grant, amount=amount, outstanding=outstanding - amount)
    if outstanding - amount == 0:
        _move(session, grant, ("dicairkan",), "lunas", actor)
    return payment


def arrears(grant: CapitalGrant, today: date | None = None) -> dict:
    """What is overdue on a loan today: amount, instalments late and the oldest due date."""
    today = today or date.today()
    late = [i for i in grant.schedule if i.due_on < today and i.amount_paid < i.amount_due]
    return {"amount": sum((i.amount_due - i.amount_paid for i in late), Decimal("0")),
            "instalments": len(late), "since": late[0].due_on if late else None,
            "outstanding": sum((i.amount_due - i.amount_paid for i in grant.schedule), Decimal("0"))}


def record_visit(session: Session, grant: CapitalGrant, actor: str, visited_on: date, business_status: str,
                 monthly_income=None, note: str | None = None) -> CapitalFollowUp:
    if grant.status not in ("dicairkan", "lunas"):
        raise CapacityError("Kunjungan pemantauan hanya untuk modal yang sudah dicairkan")
    if business_status not in BUSINESS_STATUSES:
        raise CapacityError(f"Status usaha tidak dikenal: {business_status!r} ({', '.join(BUSINESS_STATUSES)})")
    income = None
    if monthly_income not in (None, ""):
        try:
            income = Decimal(str(monthly_income))
        except InvalidOperation:
            raise CapacityError(f"Penghasilan bukan angka: {monthly_income!r}") from None
        if income < 0:
            raise CapacityError("Penghasilan tidak boleh negatif")
    visit = CapitalFollowUp(grant=grant, visited_on=visited_on, business_status=business_status,
                            monthly_income=income, note=note, visited_by=actor)
    session.add(visit)
    audit(session, actor, "visit", visit, grant_id=grant.id, business_status=business_status, income=income)
    return visit
