"""A stand-in for the bank's side: result files in the bank's documented shapes (camt.053.001.02, CSV)."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from lxml import etree

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


def _el(parent, tag, text=None, **attrs):
    child = etree.SubElement(parent, f"{{{NS}}}{tag}", **attrs)
    if text is not None:
        child.text = text
    return child


def write_camt053(path: Path, lines: list[tuple[str, Decimal, str, str | None]], account: str = "0021010000000001"):
    """``lines``: (end_to_end_id, amount, "paid" | "returned", reason code). Paid = booked DBIT entry;
    returned = booked CRDT entry with return information, as banks report a refused or returned transfer."""
    doc = etree.Element(f"{{{NS}}}Document", nsmap={None: NS})
    root = _el(doc, "BkToCstmrStmt")
    header = _el(root, "GrpHdr")
    _el(header, "MsgId", "STMT-KAMAL-001")
    _el(header, "CreDtTm", "2027-01-15T10:00:00")
    stmt = _el(root, "Stmt")
    _el(stmt, "Id", "STMT-1")
    _el(stmt, "CreDtTm", "2027-01-15T10:00:00")
    _el(_el(_el(_el(stmt, "Acct"), "Id"), "Othr"), "Id", account)
    bal = _el(stmt, "Bal")
    _el(_el(_el(bal, "Tp"), "CdOrPrtry"), "Cd", "CLBD")
    _el(bal, "Amt", "0.00", Ccy="IDR")
    _el(bal, "CdtDbtInd", "CRDT")
    _el(_el(bal, "Dt"), "Dt", "2027-01-15")
    for e2e, amount, outcome, reason in lines:
        entry = _el(stmt, "Ntry")
        _el(entry, "Amt", f"{Decimal(amount):.2f}", Ccy="IDR")
        _el(entry, "CdtDbtInd", "DBIT" if outcome == "paid" else "CRDT")
        _el(entry, "Sts", "BOOK")
        _el(_el(_el(entry, "BkTxCd"), "Prtry"), "Cd", "TRF")
        tx = _el(_el(entry, "NtryDtls"), "TxDtls")
        _el(_el(tx, "Refs"), "EndToEndId", e2e)
        if outcome != "paid":
            _el(_el(_el(tx, "RtrInf"), "Rsn"), "Cd", reason or "AC04")
    etree.ElementTree(doc).write(str(path), xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return path


def write_result_csv(path: Path, lines: list[tuple[str, Decimal | None, str, str | None]], delimiter: str = ";"):
    rows = ["end_to_end_id;status;amount;reason_code".replace(";", delimiter)]
    for e2e, amount, status, reason in lines:
        rows.append(delimiter.join([e2e, status, "" if amount is None else f"{Decimal(amount):.2f}", reason or ""]))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path
