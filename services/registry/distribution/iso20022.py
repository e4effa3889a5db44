"""ISO 20022 files written: pain.001 (.001.03 or .001.09) item by item (streamed), XSD-checked;
camt.053/.054 are read in camt.py.

The XSDs are the ISO 20022 message archive's originals, kept in ./xsd.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from lxml import etree

XSD_DIR = Path(__file__).with_name("xsd")
PAIN001 = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
# The versions we write; .001.09 differs for us only in BICFI for BIC and a dated ReqdExctnDt.
PAIN001_VERSIONS = ("pain.001.001.03", "pain.001.001.09")
_BIC = re.compile(r"^[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?$")


@cache
def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_DIR / f"{name}.xsd")))


def validation_errors(path: Path, name: str) -> list[str]:
    xsd = schema(name)
    try:
        doc = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        return [f"XML rusak: {exc}"]
    if xsd.validate(doc):
        return []
    return [f"baris {e.line}: {e.message}" for e in list(xsd.error_log)[:20]]


def _text(parent, tag: str, value: str, **attrs):
    child = etree.SubElement(parent, tag, **attrs)
    child.text = value
    return child


def _agent(parent, tag: str, bank_code: str, bic_tag: str = "BIC"):
    inst = etree.SubElement(etree.SubElement(parent, tag), "FinInstnId")
    if _BIC.match(bank_code):
        _text(inst, bic_tag, bank_code)
    else:  # an Indonesian clearing (BI/SKN) member code such as 002
        _text(etree.SubElement(inst, "ClrSysMmbId"), "MmbId", bank_code)


def _account(parent, tag: str, number: str, currency: str | None = None):
    acct = etree.SubElement(parent, tag)
    _text(etree.SubElement(etree.SubElement(acct, "Id"), "Othr"), "Id", number)
    if currency:
        _text(acct, "Ccy", currency)


def amount_text(amount) -> str:
    return f"{Decimal(amount):.2f}"


@dataclass
class Debtor:
    name: str
    account: str
    bank_code: str


def write_pain001(path: Path, *, msg_id: str, created: str, execution_date: str, debtor: Debtor,
                  count: int, total, items, on_item=None, version: str = "pain.001.001.03") -> None:
    """Stream a pain.001 credit-transfer file; ``items`` yields (end_to_end_id, amount, bank_code,
    account_number, holder_name, remittance) and ``on_item(n)`` is called after each one (progress)."""
    if version not in PAIN001_VERSIONS:
        raise ValueError(f"versi pain.001 tidak didukung: {version}")
    v09 = version == "pain.001.001.09"
    bic_tag = "BICFI" if v09 else "BIC"
    with etree.xmlfile(str(path), encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("Document", nsmap={None: f"urn:iso:std:iso:20022:tech:xsd:{version}"}):
            with xf.element("CstmrCdtTrfInitn"):
                header = etree.Element("GrpHdr")
                _text(header, "MsgId", msg_id)
                _text(header, "CreDtTm", created)
                _text(header, "NbOfTxs", str(count))
                _text(header, "CtrlSum", amount_text(total))
                _text(etree.SubElement(header, "InitgPty"), "Nm", debtor.name[:140])
                xf.write(header)
                with xf.element("PmtInf"):
                    info = etree.Element("PmtInfHead")
                    _text(info, "PmtInfId", msg_id)
                    _text(info, "PmtMtd", "TRF")
                    _text(info, "BtchBookg", "true")
                    _text(info, "NbOfTxs", str(count))
                    _text(info, "CtrlSum", amount_text(total))
                    if v09:  # a choice of date or date-time since .001.08
                        _text(etree.SubElement(info, "ReqdExctnDt"), "Dt", execution_date)
                    else:
                        _text(info, "ReqdExctnDt", execution_date)
                    _text(etree.SubElement(info, "Dbtr"), "Nm", debtor.name[:140])
                    _account(info, "DbtrAcct", debtor.account, "IDR")
                    _agent(info, "DbtrAgt", debtor.bank_code, bic_tag)
                    _text(info, "ChrgBr", "DEBT")
                    for child in info:
                        xf.write(child)
                    for n, (e2e, amount, bank_code, number, holder, remittance) in enumerate(items, start=1):
                        tx = etree.Element("CdtTrfTxInf")
                        _text(etree.SubElement(tx, "PmtId"), "EndToEndId", e2e)
                        _text(etree.SubElement(tx, "Amt"), "InstdAmt", amount_text(amount), Ccy="IDR")
                        _agent(tx, "CdtrAgt", bank_code, bic_tag)
                        _text(etree.SubElement(tx, "Cdtr"), "Nm", holder[:140])
                        _account(tx, "CdtrAcct", number)
                        _text(etree.SubElement(tx, "RmtInf"), "Ustrd", remittance[:140])
                        xf.write(tx)
                        if on_item:
                            on_item(n)
