"""Bank statements and notifications read from ISO 20022 camt.053 (.001.02 to .001.14) and camt.054
(.001.02 to .001.14), each checked against its own XSD (the ISO 20022 message archive's originals in ./xsd).

Every booked entry becomes StatementLines: one per transaction (TxDtls), one "batch" line for a batch
booking without transactions (Btch), one refused line for anything else (no NtryDtls, not booked, a
credit that is not a return), so every entry of the file is accounted for.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from lxml import etree

from services.registry.distribution.common import DistributionError
from services.registry.distribution.statement_line import StatementLine

XSD_DIR = Path(__file__).with_name("xsd")
_PREFIX = "urn:iso:std:iso:20022:tech:xsd:"
# message -> (root element, statement element, versions with an XSD in ./xsd)
MESSAGES = {
    "camt.053": ("BkToCstmrStmt", "Stmt", tuple(f"{n:02d}" for n in range(2, 15))),
    "camt.054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn", tuple(f"{n:02d}" for n in range(2, 15))),
}
_NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:(camt\.05[34])\.001\.(\d{2})$")
_PARSER = dict(resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False)


def supported_versions() -> str:
    return ", ".join(f"{m}.001.{v[0]} s.d. .001.{v[-1]}" for m, (_, _, v) in MESSAGES.items())


@cache
def _schema(version: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_DIR / f"{version}.xsd")))


def _local(name: str) -> str:
    return re.sub(r"\{[^}]*\}", "", name)


def _indonesian(error) -> str:
    """lxml's schema messages, said in Indonesian: where, which element, and what is missing or wrong."""
    text = _local(error.message)
    element = re.match(r"Element '([^']+)'", text)
    where = f"baris {error.line}: elemen {element.group(1) if element else '?'}"
    expected = re.search(r"Expected is (?:one of )?\( ?([^)]*?) ?\)", text)
    wanted = ", ".join(w.strip() for w in expected.group(1).split(",")) if expected else ""
    if "Missing child element" in text:
        return f"{where} tidak lengkap: kurang {wanted}"
    if "This element is not expected" in text:
        return f"{where} tidak semestinya di sini" + (f" (yang diharapkan: {wanted})" if wanted else "")
    attribute = re.search(r"attribute '([^']+)'", text)
    if "is required but missing" in text and attribute:
        return f"{where}: atribut {attribute.group(1)} wajib ada"
    value = re.search(r"'([^']*)' is not (?:a valid value|accepted|an element of)", text)
    if value:
        return f"{where}: nilai {value.group(1)!r} tidak sah"
    if "is not a valid value" in text or "facet" in text:
        return f"{where}: nilai tidak sah"
    return f"{where} tidak sesuai skema"


@dataclass
class Balance:
    code: str
    amount: Decimal
    date: str | None


@dataclass
class CamtStatement:
    account: str | None
    currency: str | None
    balances: list[Balance] = field(default_factory=list)
    debits: Decimal = Decimal(0)
    credits: Decimal = Decimal(0)
    entries: int = 0

    def balance(self, *codes) -> Balance | None:
        return next((b for code in codes for b in self.balances if b.code == code), None)

    def check(self) -> dict:
        """The file's own balances against its booked entries: OPBD + credits - debits = CLBD."""
        opening, closing = self.balance("OPBD", "PRCD"), self.balance("CLBD")
        result = {"account": self.account, "currency": self.currency, "entries": self.entries,
                  "debits": str(self.debits), "credits": str(self.credits),
                  "opening": str(opening.amount) if opening else None, "closing": str(closing.amount) if closing else None}
        if opening and closing:
            expected = opening.amount + self.credits - self.debits
            result["computed_closing"] = str(expected)
            result["balanced"] = expected == closing.amount
        else:
            result["balanced"] = None  # camt.054 carries no balances
        return result


@dataclass
class CamtFile:
    version: str  # e.g. camt.053.001.08
    message_id: str | None
    statements: list[CamtStatement]
    lines: list[StatementLine]

    @property
    def format(self) -> str:
        return self.version[:8].replace(".", "")  # camt053 / camt054

    @property
    def entries(self) -> int:
        return sum(s.entries for s in self.statements)


def _parse(data: bytes):
    try:
        doc = etree.fromstring(data, etree.XMLParser(**_PARSER)).getroottree()
    except etree.XMLSyntaxError as exc:
        raise DistributionError(f"Berkas XML rusak (baris {exc.lineno}): bukan XML yang utuh") from exc
    if doc.docinfo.doctype:  # no bank sends one; entities are how XXE and "billion laughs" get in
        raise DistributionError("Berkas XML berisi DOCTYPE/entitas: ditolak, bank tidak mengirim itu")
    return doc


def detect_version(doc) -> str:
    root = doc.getroot()
    namespace = etree.QName(root).namespace or ""
    found = _NAMESPACE.match(namespace)
    if not found or found.group(2) not in MESSAGES[found.group(1)][2] or etree.QName(root).localname != "Document":
        shown = namespace or "tanpa namespace"
        raise DistributionError(f"Berkas XML bukan versi camt yang didukung ({shown}). "
                                f"Versi yang didukung: {supported_versions()}")
    return f"{found.group(1)}.001.{found.group(2)}"


def validation_errors(data: bytes) -> tuple[str, list[str]]:
    """(version, Indonesian errors) of a camt file checked against the XSD of its own version."""
    doc = _parse(data)
    version = detect_version(doc)
    schema = _schema(version)
    if schema.validate(doc):
        return version, []
    return version, [_indonesian(e) for e in list(schema.error_log)[:10]]


def _amount(node) -> tuple[Decimal | None, str | None]:
    if node is None or node.text is None:
        return None, None
    try:
        return Decimal(node.text.strip()), node.get("Ccy")
    except InvalidOperation:
        return None, node.get("Ccy")


def read_camt(data: bytes, validate: bool = True) -> CamtFile:
    """Read a camt.053/.054; ``validate`` first (refused with the version, line and what is missing)."""
    if validate:
        version, errors = validation_errors(data)
        if errors:
            raise DistributionError(f"Berkas {version} tidak sah: " + "; ".join(errors[:5]))
    doc = _parse(data)
    version = detect_version(doc)
    message, stmt_tag = MESSAGES[version[:8]][:2]
    ns = {"c": etree.QName(doc.getroot()).namespace}

    def text(node, path):
        found = node.find(path, ns)
        return found.text.strip() if found is not None and found.text else None

    lines: list[StatementLine] = []
    statements: list[CamtStatement] = []
    entry_number = 0
    for stmt in doc.iterfind(f"c:{message}/c:{stmt_tag}", ns):
        account = text(stmt, "c:Acct/c:Id/c:IBAN") or text(stmt, "c:Acct/c:Id/c:Othr/c:Id")
        current = CamtStatement(account, text(stmt, "c:Acct/c:Ccy"))
        for bal in stmt.iterfind("c:Bal", ns):
            amount, currency = _amount(bal.find("c:Amt", ns))
            sign = -1 if text(bal, "c:CdtDbtInd") == "DBIT" else 1
            current.balances.append(Balance(text(bal, "c:Tp/c:CdOrPrtry/c:Cd") or text(bal, "c:Tp/c:CdOrPrtry/c:Prtry")
                                            or "", sign * (amount or Decimal(0)), text(bal, "c:Dt/c:Dt")))
            current.currency = current.currency or currency
        for entry in stmt.iterfind("c:Ntry", ns):
            entry_number += 1
            current.entries += 1
            lines.extend(_entry_lines(entry, entry_number, len(lines), ns, text, current))
        statements.append(current)
    return CamtFile(version, text(doc.getroot(), f"c:{message}/c:GrpHdr/c:MsgId"), statements, lines)


def _entry_lines(entry, number: int, before: int, ns: dict, text, stmt: CamtStatement) -> list[StatementLine]:
    amount, currency = _amount(entry.find("c:Amt", ns))
    direction = text(entry, "c:CdtDbtInd")
    status = text(entry, "c:Sts") or text(entry, "c:Sts/c:Cd") or text(entry, "c:Sts/c:Prtry")
    reversal = (text(entry, "c:RvslInd") or "").lower() in ("true", "1")
    entry_ref = text(entry, "c:NtryRef") or text(entry, "c:AcctSvcrRef")
    stmt.currency = stmt.currency or currency
    if status == "BOOK" and amount is not None:
        if direction == "DBIT":
            stmt.debits += amount
        else:
            stmt.credits += amount

    def line(reference, outcome, value, reason, node=entry, **extra):
        return StatementLine(before + len(made) + 1, reference, outcome, value, reason, currency=currency,
                             entry_ref=entry_ref, entry=number, line=node.sourceline, **extra)

    made: list[StatementLine] = []
    if status != "BOOK":
        made.append(line(None, None, amount, f"entri belum dibukukan bank (status {status})"))
        return made
    details = entry.findall("c:NtryDtls", ns)
    transactions = [tx for d in details for tx in d.iterfind("c:TxDtls", ns)]
    if not transactions:
        batch = next((d.find("c:Btch", ns) for d in details if d.find("c:Btch", ns) is not None), None)
        if batch is None:
            why = "entri tanpa rincian transaksi (NtryDtls)" if not details else "rincian entri kosong"
            made.append(line(None, None, amount, f"{why}: tidak bisa dicocokkan dengan pembayaran"))
            return made
        ref = text(batch, "c:PmtInfId") or text(batch, "c:MsgId")
        count = text(batch, "c:NbOfTxs")
        total, _ = _amount(batch.find("c:TtlAmt", ns))
        if ref is None:
            made.append(line(None, None, amount, "entri batch tanpa PmtInfId/MsgId: tidak bisa dicocokkan"))
        elif direction != "DBIT" or reversal:
            made.append(line(None, None, amount, f"entri batch {ref} bukan debit transfer: rinciannya diperlukan",
                             batch_ref=ref))
        else:
            made.append(line(None, "batch", total if total is not None else amount, None, node=batch,
                             batch_ref=ref, nb_of_txs=int(count) if count and count.isdigit() else None))
        return made
    single = len(transactions) == 1
    for tx in transactions:
        reference = text(tx, "c:Refs/c:EndToEndId")
        value, tx_currency = _amount(tx.find("c:Amt", ns))
        if value is None:
            value, tx_currency = _amount(tx.find("c:AmtDtls/c:TxAmt/c:Amt", ns))
        if value is None and single:
            value, tx_currency = amount, currency
        returned = tx.find("c:RtrInf", ns)
        code = None
        if returned is not None:
            code = text(returned, "c:Rsn/c:Cd") or text(returned, "c:Rsn/c:Prtry")
        extra = {"batch_ref": text(tx, "c:Refs/c:PmtInfId") or text(tx, "c:Refs/c:MsgId"), "reason_code": code}
        if not reference or reference.upper() == "NOTPROVIDED":
            made.append(line(None, None, value, "transaksi tanpa EndToEndId", node=tx, **extra))
        elif value is None:
            made.append(line(reference, None, None, "nominal transaksi tidak ada", node=tx, **extra))
        elif reversal or returned is not None:
            made.append(line(reference, "returned", value, None, node=tx, **extra))
        elif direction == "DBIT":
            made.append(line(reference, "paid", value, None, node=tx, **extra))
        else:
            made.append(line(reference, None, value, "entri kredit tanpa keterangan pengembalian (RtrInf)",
                             node=tx, **extra))
        made[-1].currency = tx_currency or currency
    return made
