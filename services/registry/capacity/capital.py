"""Business capital: proposal -> assessment -> approval -> disbursement, loan schedules, repayments, visits."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.registry.capacity.common import CapacityError, add_months, age_on
from services.registry.capacity.models.capital import CAPITAL_KINDS, CHANNELS
from services.registry.core.audit import record_row
from services.registry.core.money import rupiah
from services.registry.distribution import ledger
from services.registry.models import (
    BankAccount,
    CapitalDisbursement,
    CapitalFollowUp,
    CapitalGrant,
    LoanInstalment,
    LoanPayment,
    Person,
)
from services.registry.programmes.budget import BudgetError, require_available
from services.registry.programmes.models.read import source_status

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
            programme=None, purpose: str | None = None, instalments: int | None = None,
            funding_source=None) -> CapitalGrant:
    if kind not in CAPITAL_KINDS:
        raise CapacityError(f"Jenis bantuan modal tidak dikenal: {kind!r} (hibah atau pinjaman)")
    if (household is None) == (group is None):
        raise CapacityError("Penerima modal harus satu keluarga atau satu kelompok usaha")
    if kind == "pinjaman" and not (instalments and 1 <= int(instalments) <= 60):
        raise CapacityError("Pinjaman bergulir memerlukan jumlah angsuran 1 sampai 60 bulan")
    if funding_source is not None and (programme is None or funding_source.programme_id != programme.id):
        raise CapacityError("Sumber dana harus milik program usulan ini")
    grant = CapitalGrant(kind=kind, business=business, amount_requested=money(amount, "Nilai usulan"),
                         household=household, group=group, programme=programme, purpose=purpose,
                         funding_source=funding_source,
                         instalments=int(instalments) if kind == "pinjaman" else None, status="usulan")
    session.add(grant)
    record_row(session, actor, "propose", grant, kind=kind, amount=grant.amount_requested)
    return grant


def _move(session, grant: CapitalGrant, expected: tuple[str, ...], new: str, actor: str, **details) -> None:
    if grant.status not in expected:
        raise CapacityError(f"Usulan berstatus '{grant.status}' tidak dapat diubah menjadi '{new}'")
    before, grant.status = grant.status, new
    record_row(session, actor, new, grant, status=[before, new], **details)


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
    if grant.funding_source is not None:
        if grant.programme_id is not None and grant.funding_source.programme_id != grant.programme_id:
            raise CapacityError("Sumber dana bukan milik program usulan ini")
        try:
            require_available(session, grant.funding_source, approved)
        except BudgetError as exc:
            raise CapacityError(str(exc)) from None
    grant.amount_approved, grant.approved_by = approved, actor
    _move(session, grant, ("dinilai",), "disetujui", actor, amount_approved=approved)
    return grant


def recipients(grant: CapitalGrant, today: date) -> dict[int, Person]:
    """Who may collect or own the receiving account: the household's adults, or the group's members."""
    if grant.household is not None:
        return {p.id: p for p in grant.household.members if p.birth_date is None or age_on(p.birth_date, today) >= 17}
    return {m.person.id: m.person for m in grant.group.members}


def disburse(session: Session, grant: CapitalGrant, actor: str, channel: str, on: date | None = None,
             key: str | None = None, *, collector_id: int | None = None, location: str | None = None,
             handed_over_by: str | None = None, bank_account_id: int | None = None,
             bank_reference: str | None = None, amount=None) -> CapitalDisbursement:
    """Pay out the approved amount, whole or in tranches (``amount``; default: what is left), once per key
    (a repeated click or retry is a no-op), through the same channels as an entitlement: cash or goods handed
    to the recipient (who, where, by whom), or a transfer to the recipient's checked bank account (with the
    bank's reference). Each payout is appended to the hash-chained ledger and counted as disbursed from the
    grant's funding source, which may not overspend. The grant becomes 'dicairkan' (and a loan gets its
    schedule) when the last tranche is paid."""
    key = key or f"capital-{grant.id}-disburse"
    existing = session.scalar(select(CapitalDisbursement).where(CapitalDisbursement.key == key))
    if existing is not None:
        return existing
    if channel not in CHANNELS:
        raise CapacityError(f"Saluran penyaluran tidak dikenal: {channel!r} (tunai, bank atau barang)")
    if grant.status != "disetujui":
        raise CapacityError(f"Usulan berstatus '{grant.status}' belum dapat dicairkan")
    on = on or date.today()
    allowed = recipients(grant, on)
    details: dict = {"channel": channel}
    fields: dict = {}  # the payout row is built only once every check passed (no half-attached object)
    if channel == "bank":
        account = session.get(BankAccount, bank_account_id) if bank_account_id else None
        if account is None or not account.active or account.person_id not in allowed:
            raise CapacityError("Pilih rekening bank aktif milik penerima (anggota keluarga dewasa atau anggota "
                                "kelompok)")
        if not account.holder_name_matches:
            raise CapacityError(f"Nama pemilik rekening ({account.holder_name}) tidak cocok dengan penerima: "
                                "periksa rekening itu dulu di Rekening Bank")
        if not (bank_reference or "").strip():
            raise CapacityError("Isi nomor referensi transfer dari bank")
        fields = {"bank_account": account, "bank_reference": bank_reference.strip()[:64]}
        details |= {"bank_code": account.bank_code, "account_last4": account.account_number[-4:],
                    "bank_reference": fields["bank_reference"]}
    else:
        if collector_id not in allowed:
            raise CapacityError("Pengambil bukan anggota keluarga dewasa atau anggota kelompok penerima modal")
        if not (location or "").strip() or not (handed_over_by or "").strip():
            raise CapacityError("Isi lokasi penyerahan dan nama petugas yang menyerahkan")
        fields = {"collector_id": collector_id, "collector_name": allowed[collector_id].name,
                  "location": location.strip()[:200], "handed_over_by": handed_over_by.strip()[:150]}
        details |= {"collector_id": collector_id, "location": fields["location"],
                    "handed_over_by": fields["handed_over_by"]}
    # The ledger lock first (before the audit chain's head is flushed): it also serialises this budget check
    # with every other payout, so two payouts cannot both fit into the last rupiah of a source.
    ledger.lock(session, [ledger.entry_area(session, capital_grant_id=grant.id)])
    # Under the lock: two tranches of the same grant cannot both take what is left.
    paid = Decimal(session.scalar(select(func.coalesce(func.sum(CapitalDisbursement.amount), 0)).where(
        CapitalDisbursement.grant_id == grant.id)))
    remaining = grant.amount_approved - paid
    amount = remaining if amount in (None, "") else money(amount, "Nilai pencairan")
    if amount > remaining:
        raise CapacityError(f"Nilai pencairan {rupiah(amount)} melebihi sisa yang belum dicairkan {rupiah(remaining)}")
    if grant.funding_source is not None:
        require_payable(session, grant.funding_source, amount)
    payout = CapitalDisbursement(grant=grant, key=key, amount=amount, channel=channel,
                                 disbursed_on=on, recorded_by=actor, **fields)
    session.add(payout)
    session.flush()
    entry = ledger.append(
        session, cycle_id=None, capital_grant_id=grant.id, event="paid" if channel == "bank" else "collected",
        amount=payout.amount, actor=actor,
        payload={"capital_disbursement_id": payout.id, "key": key, "kind": grant.kind, "on": on.isoformat(),
                 "household_id": grant.household_id, "group_id": grant.group_id,
                 "funding_source_id": grant.funding_source_id, **details})
    payout.ledger_seq = entry.seq
    if paid + amount < grant.amount_approved:
        record_row(session, actor, "tranche", grant, amount=amount, paid=paid + amount, ledger_seq=entry.seq, **details)
        return payout
    if grant.kind == "pinjaman":
        _schedule(session, grant, on)
    _move(session, grant, ("disetujui",), "dicairkan", actor, amount=payout.amount, ledger_seq=entry.seq, **details)
    return payout


def require_payable(session: Session, source, amount: Decimal) -> None:
    """Refuse a payout that would take the source's disbursed total past its budget (e.g. the budget was
    cut after the approval)."""
    status = source_status(session, source)
    if status["disbursed"] + amount > status["budget"]:
        raise CapacityError(f"Dana {source.name} tidak cukup untuk pencairan ini: anggaran {rupiah(status['budget'])}, "
                            f"sudah tersalur {rupiah(status['disbursed'])}, pencairan {rupiah(amount)}")


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
        raise CapacityError(f"Pembayaran {rupiah(amount)} melebihi sisa pinjaman {rupiah(outstanding)}")
    ledger.lock(session, [ledger.entry_area(session, capital_grant_id=grant.id)])  # before the audit chain head
    payment = LoanPayment(grant=grant, key=key, amount=amount, paid_on=on or date.today(), recorded_by=actor)
    session.add(payment)
    session.flush()
    # The money comes back to the revolving fund: its own ledger event, so the chain holds both directions.
    payment.ledger_seq = ledger.append(
        session, cycle_id=None, capital_grant_id=grant.id, event="repaid", amount=amount, actor=actor,
        payload={"loan_payment_id": payment.id, "key": key, "on": payment.paid_on.isoformat(),
                 "funding_source_id": grant.funding_source_id}).seq
    left = amount
    for instalment in grant.schedule:
        due = instalment.amount_due - instalment.amount_paid
        if due <= 0 or left <= 0:
            continue
        take = min(due, left)
        instalment.amount_paid += take
        left -= take
    record_row(session, actor, "repayment", grant, amount=amount, outstanding=outstanding - amount)
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
    record_row(session, actor, "visit", visit, grant_id=grant.id, business_status=business_status, income=income)
    return visit
