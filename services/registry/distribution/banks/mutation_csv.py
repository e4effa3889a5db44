"""A bank's own mutation CSV (rekening koran) read as bank results.

Indonesian banks export an account's mutations with a date, a description, a reference, debit, credit and
balance columns (Mandiri: Tgl., Rincian Transaksi, No. Referensi, Debit, Kredit, Saldo; Bank Jatim: Post
Date, Description, Reference No, Debit, Credit, Balance), often after a few lines naming the account, with
";" or "," between fields and amounts written 1.234.567,00 or 1,234,567.00.

A line is ours when its reference or its description carries a payment's end-to-end id (BSK-batch-item,
which is also what the bank files we write put in the customer reference). A debit is that payment paid,
a credit is its money coming back. Every other non-empty line is kept with the reason it matched nothing
(opening balance, fees, someone else's transfer, an amount that cannot be read): no line is dropped.
"""
from __future__ import annotations

import csv
import io
import re
from decimal import Decimal, InvalidOperation

from services.registry.distribution.statement_line import StatementLine

REFERENCE = re.compile(r"BSK-\d+-\d+")
REASON_CODE = re.compile(r"\b(AC\d\d|AM\d\d|BE\d\d|MD\d\d|MS\d\d|RR\d\d|AG\d\d|RC\d\d)\b")
COLUMNS = {
    "date": ("tgl", "tanggal", "tgl transaksi", "tanggal transaksi", "post date", "posting date", "date",
             "transaction date"),
    "description": ("rincian transaksi", "keterangan", "uraian", "uraian transaksi", "description", "deskripsi",
                    "remark", "remarks"),
    "reference": ("no referensi", "nomor referensi", "referensi", "no ref", "reference no", "reference",
                  "ref no"),
    "debit": ("debit", "debet", "mutasi debet", "mutasi debit"),
    "credit": ("kredit", "credit", "mutasi kredit"),
    "balance": ("saldo", "balance", "saldo akhir"),
}
HEADER_SEARCH = 30  # lines naming the account and period come before the header


def _key(cell: str) -> str:
    return " ".join(cell.strip().lstrip("\ufeff").strip('"').lower().replace(".", " ").replace(":", " ").split())


def _delimiter(line: str) -> str:
    return max((";", ",", "\t"), key=line.count)


def _columns(cells: list[str]) -> dict | None:
    keys = [_key(c) for c in cells]
    where = {name: next((keys.index(a) for a in aliases if a in keys), None) for name, aliases in COLUMNS.items()}
    if where["date"] is None or where["debit"] is None or where["credit"] is None:
        return None
    return where


def find_header(text: str) -> tuple[int, str, dict] | None:
    """(line index, delimiter, column positions) of the mutation header, or None for another file."""
    for index, line in enumerate(text.splitlines()[:HEADER_SEARCH]):
        delimiter = _delimiter(line)
        where = _columns(next(csv.reader([line], delimiter=delimiter), []))
        if where is not None:
            return index, delimiter, where
    return None


def is_mutation_csv(text: str) -> bool:
    return find_header(text) is not None


def parse_amount(text: str) -> Decimal | None:
    """1.234.567,00 / 1,234,567.00 / 300000 / 300000.00 -> Decimal; empty or "-" -> None.

    One separator followed by exactly three digits is read as thousands (1.234 is Rp1.234, the Indonesian
    reading); any other single separator is the decimal one."""
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    for prefix in ("Rp.", "Rp", "IDR"):
        if value.startswith(prefix):
            value = value[len(prefix):]
    if value in ("", "-", "0", "0,00", "0.00"):
        return None
    if not re.fullmatch(r"\d[\d.,]*", value):
        raise ValueError(value)
    if "." in value and "," in value:
        decimal_sep = "," if value.rfind(",") > value.rfind(".") else "."
    else:
        sep = "." if "." in value else ","
        parts = value.split(sep) if sep in value else [value]
        decimal_sep = None if len(parts) == 1 or all(len(p) == 3 for p in parts[1:]) else sep
        if decimal_sep and len(parts) > 2:
            raise ValueError(value)
    thousands = {".", ","} - {decimal_sep}
    whole, _, fraction = value.partition(decimal_sep) if decimal_sep else (value, "", "")
    groups = re.split(r"[.,]", whole)
    if any(ch in fraction for ch in ".,") or (len(groups) > 1 and (
            not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:]))):
        raise ValueError(value)
    for sep in thousands:
        whole = whole.replace(sep, "")
    try:
        amount = Decimal(f"{whole}.{fraction}" if fraction else whole)
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    return amount if amount != 0 else None


def _line(row: int, cells: list[str], where: dict) -> StatementLine:
    def cell(name):
        index = where[name]
        return cells[index].strip() if index is not None and index < len(cells) else ""

    found = set(REFERENCE.findall(cell("reference"))) or set(REFERENCE.findall(cell("description")))
    if not found:
        found = set(REFERENCE.findall(" ".join(cells)))
    if len(found) > 1:
        return StatementLine(row=row, reference=None, outcome=None, amount=None,
                             reason=f"lebih dari satu referensi pembayaran di satu baris: {', '.join(sorted(found))}")
    reference = next(iter(found), None)
    try:
        debit, credit = parse_amount(cell("debit")), parse_amount(cell("credit"))
    except ValueError as exc:
        return StatementLine(row=row, reference=reference, outcome=None, amount=None,
                             reason=f"nominal tidak terbaca: {exc.args[0]!r}")
    if reference is None:
        what = cell("description")[:60] or "tanpa keterangan"
        return StatementLine(row=row, reference=None, outcome=None, amount=debit or credit,
                             reason=f"bukan pembayaran bansos (tanpa referensi BSK-…): {what}")
    if debit and credit:
        return StatementLine(row=row, reference=reference, outcome=None, amount=None,
                             reason="baris berisi debit dan kredit sekaligus")
    if not debit and not credit:
        return StatementLine(row=row, reference=reference, outcome=None, amount=None,
                             reason="baris tanpa nominal debit maupun kredit")
    code = REASON_CODE.search(cell("description"))
    if debit:
        return StatementLine(row=row, reference=reference, outcome="paid", amount=debit, reason=None)
    return StatementLine(row=row, reference=reference, outcome="returned", amount=credit,
                         reason=code.group(1) if code else None)


def read_mutation_csv(text: str) -> list[StatementLine]:
    """Every non-empty line after the header, as a result or as a line refused with its reason."""
    header = find_header(text)
    if header is None:
        return []
    index, delimiter, where = header
    lines = text.splitlines(keepends=True)
    reader = csv.reader(io.StringIO("".join(lines[index + 1:]), newline=""), delimiter=delimiter)
    found = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        found.append(_line(index + 1 + reader.line_num, cells, where))
    return found
