"""A stand-in for the bank's side: result files in the bank's documented shapes.

camt.053 (statement) and camt.054 (debit/credit notification), .001.02 to .001.14, built element by
element in the order each version's XSD fixes (ISO 20022 message definitions): from .001.03 a
transaction carries its own Amt and CdtDbtInd; from .001.07 an entry's Sts is a choice (Sts/Cd); from
.001.08 the statement's CreDtTm is optional. And the simple result CSV.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from lxml import etree

VERSIONS = tuple(f"camt.05{m}.001.{n:02d}" for m in (3, 4) for n in range(2, 15))
NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
PAYING_ACCOUNT = "0021010000000001"


@dataclass
class Entry:
    """One booked entry. ``txs``: (end_to_end_id, amount) per TxDtls. ``outcome``: paid (DBIT), returned
    (CRDT with RtrInf), reversal (CRDT, RvslInd and RtrInf), reversal_dbit (the same reported as a DBIT, as
    some banks do), credit (CRDT, no return information), pending (Sts PDNG). ``batch``: a Btch summary
    with that PmtInfId; with ``txs`` empty it is a batch booking. ``details=False``: no NtryDtls at all."""
    txs: list[tuple[str, Decimal]] = field(default_factory=list)
    outcome: str = "paid"
    reason: str | None = None
    batch: str | None = None
    nb_of_txs: int | None = None
    amount: Decimal | None = None
    details: bool = True

    @property
    def total(self) -> Decimal:
        return Decimal(self.amount if self.amount is not None else sum((a for _, a in self.txs), Decimal(0)))

    @property
    def debit(self) -> bool:
        return self.outcome in ("paid", "pending", "reversal_dbit")


def _number(version: str) -> int:
    return int(version[-2:])


def write_camt(path: Path, entries: list[Entry], version: str = "camt.053.001.08", account: str = PAYING_ACCOUNT,
               currency: str = "IDR", iban: bool = False, opening: Decimal = Decimal("50000000.00"),
               bom: bool = False, declaration: bool = True, closing: Decimal | None = None) -> Path:
    ns = f"urn:iso:std:iso:20022:tech:xsd:{version}"
    number, notification = _number(version), version.startswith("camt.054")

    def el(parent, tag, text=None, **attrs):
        child = etree.SubElement(parent, f"{{{ns}}}{tag}", **attrs)
        if text is not None:
            child.text = text
        return child

    def money(parent, tag, value):
        return el(parent, tag, f"{Decimal(value):.2f}", Ccy=currency)

    def date(parent, tag, value="2027-01-15"):
        el(el(parent, tag), "Dt", value)

    doc = etree.Element(f"{{{ns}}}Document", nsmap={None: ns})
    root = el(doc, "BkToCstmrDbtCdtNtfctn" if notification else "BkToCstmrStmt")
    header = el(root, "GrpHdr")
    el(header, "MsgId", "MUTASI-KAMAL-20270115")
    el(header, "CreDtTm", "2027-01-15T18:00:00")
    stmt = el(root, "Ntfctn" if notification else "Stmt")
    el(stmt, "Id", "STMT-20270115-1")
    el(stmt, "CreDtTm", "2027-01-15T18:00:00")
    acct = el(stmt, "Acct")
    if iban:
        el(el(acct, "Id"), "IBAN", account)
    else:
        el(el(el(acct, "Id"), "Othr"), "Id", account)
    el(acct, "Ccy", currency)
    booked = [e for e in entries if e.outcome != "pending"]
    if not notification:
        debits = sum((e.total for e in booked if e.debit), Decimal(0))
        credits = sum((e.total for e in booked if not e.debit), Decimal(0))
        for code, value in (("OPBD", opening), ("CLBD", closing if closing is not None else opening - debits + credits)):
            bal = el(stmt, "Bal")
            el(el(el(bal, "Tp"), "CdOrPrtry"), "Cd", code)
            money(bal, "Amt", abs(value))
            el(bal, "CdtDbtInd", "CRDT" if value >= 0 else "DBIT")
            date(bal, "Dt")
    for n, entry in enumerate(entries, start=1):
        ntry = el(stmt, "Ntry")
        el(ntry, "NtryRef", f"NTRY-{n}")
        money(ntry, "Amt", entry.total)
        el(ntry, "CdtDbtInd", "DBIT" if entry.debit else "CRDT")
        if entry.outcome in ("reversal", "reversal_dbit"):
            el(ntry, "RvslInd", "true")
        status = "PDNG" if entry.outcome == "pending" else "BOOK"
        el(el(ntry, "Sts"), "Cd", status) if number >= 7 else el(ntry, "Sts", status)
        date(ntry, "BookgDt")
        date(ntry, "ValDt")
        el(ntry, "AcctSvcrRef", f"BANK-{n:06d}")
        domain = el(el(ntry, "BkTxCd"), "Domn")
        el(domain, "Cd", "PMNT")
        family = el(domain, "Fmly")
        el(family, "Cd", "ICDT")
        el(family, "SubFmlyCd", "DMCT" if entry.outcome in ("paid", "pending") else "RRTN")
        if not entry.details:
            continue
        details = el(ntry, "NtryDtls")
        if entry.batch:
            btch = el(details, "Btch")
            el(btch, "MsgId", entry.batch)
            el(btch, "PmtInfId", entry.batch)
            el(btch, "NbOfTxs", str(entry.nb_of_txs if entry.nb_of_txs is not None else len(entry.txs)))
            money(btch, "TtlAmt", entry.total)
            el(btch, "CdtDbtInd", "DBIT" if entry.debit else "CRDT")
        for e2e, value in entry.txs:
            tx = el(details, "TxDtls")
            refs = el(tx, "Refs")
            if entry.batch:
                el(refs, "MsgId", entry.batch)
                el(refs, "PmtInfId", entry.batch)
            el(refs, "EndToEndId", e2e)
            if number >= 3:
                money(tx, "Amt", value)
                el(tx, "CdtDbtInd", "DBIT" if entry.debit else "CRDT")
            else:
                money(el(el(tx, "AmtDtls"), "TxAmt"), "Amt", value)
            if entry.outcome in ("returned", "reversal", "reversal_dbit"):
                el(el(el(tx, "RtrInf"), "Rsn"), "Cd", entry.reason or "AC04")
    data = etree.tostring(doc, xml_declaration=declaration, encoding="UTF-8", pretty_print=True)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def write_camt053(path: Path, lines: list[tuple[str, Decimal, str, str | None]], account: str = PAYING_ACCOUNT,
                  version: str = "camt.053.001.02", **options):
    """``lines``: (end_to_end_id, amount, "paid" | "returned", reason code), one entry each: paid = booked
    DBIT; returned = booked CRDT with return information, as banks report a refused or returned transfer."""
    entries = [Entry([(e2e, Decimal(amount))], outcome, reason) for e2e, amount, outcome, reason in lines]
    return write_camt(path, entries, version=version, account=account, **options)


def write_result_csv(path: Path, lines: list[tuple[str, Decimal | None, str, str | None]], delimiter: str = ";"):
    rows = ["end_to_end_id;status;amount;reason_code".replace(";", delimiter)]
    for e2e, amount, status, reason in lines:
        rows.append(delimiter.join([e2e, status, "" if amount is None else f"{Decimal(amount):.2f}", reason or ""]))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path
