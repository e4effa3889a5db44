"""Mandiri Cash Management (MCM) bulk upload, "Payroll - Multi Service" file structure.

Source: Bank Mandiri's "Payroll - Multi Service - File Structure" table (public copy on Scribd,
document 738679438). One header line, then one detail line per transfer:

- header: ``P`` (content header maker), instruction date ``yyyyMMdd``, debit account 9(40),
  total detail records 9(5), total amount with "." as decimal separator;
- detail: beneficiary account X(35), beneficiary name X(40), address 1-3 X(35) each (blank: only used
  for RTGS and international transfers), currency X(3), amount 9(18)v9(2) with ".", remark X(140),
  customer reference X(19), FT service X(3) (IBU in-house, BAU BI-FAST by account number, LBU LLG/SKN,
  RBU RTGS, ...), beneficiary bank code X(12), beneficiary bank name X(100).

The table goes on past the bank name with fields our copy does not show; they are left out rather than
guessed, so the bank's validator will say if a village's MCM contract needs them. Fields are separated by
commas (an MCM bulk file is a .csv); our values never contain one, so no quoting is needed.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from services.registry.distribution.common import DistributionError

CODE = "mandiri_mcm"
LABEL = "Mandiri MCM (bulk upload Multi Service)"
FILENAME = "mandiri-mcm.csv"
MIMETYPE = "text/csv"
SOURCE = "Bank Mandiri, Payroll - Multi Service - File Structure (salinan publik Scribd 738679438)"

REFERENCE_MAX = 19
MANDIRI = {"008", "BMRIIDJA"}
# Names for the bank-name field of the banks most villages' recipients use (BI code and BIC).
BANK_NAMES = {"002": "BANK RAKYAT INDONESIA", "BRINIDJA": "BANK RAKYAT INDONESIA",
              "008": "BANK MANDIRI", "BMRIIDJA": "BANK MANDIRI",
              "009": "BANK NEGARA INDONESIA", "BNINIDJA": "BANK NEGARA INDONESIA",
              "014": "BANK CENTRAL ASIA", "CENAIDJA": "BANK CENTRAL ASIA",
              "114": "BANK JATIM", "PDJTIDJ1": "BANK JATIM",
              "451": "BANK SYARIAH INDONESIA", "BSMDIDJA": "BANK SYARIAH INDONESIA"}
_UNSAFE = re.compile(r"[,\r\n\t\"]+")


def _field(value: str, width: int) -> str:
    return " ".join(_UNSAFE.sub(" ", value or "").split())[:width]


def detail_line(e2e: str, amount, bank_code: str, number: str, holder: str, remittance: str) -> str:
    if len(e2e) > REFERENCE_MAX:  # cutting it would make the bank's result unmatchable
        raise DistributionError(f"Referensi {e2e} lebih dari {REFERENCE_MAX} karakter (batas Mandiri MCM)")
    if not number.isdigit() or len(number) > 35:
        raise DistributionError(f"Nomor rekening {number!r} ({e2e}) tidak sah untuk Mandiri MCM")
    inhouse = bank_code.upper() in MANDIRI
    return ",".join([number, _field(holder, 40), "", "", "", "IDR", f"{Decimal(amount):.2f}",
                     _field(remittance, 140), e2e, "IBU" if inhouse else "BAU",
                     "" if inhouse else _field(bank_code, 12),
                     "" if inhouse else BANK_NAMES.get(bank_code.upper(), "")])


def write(path: Path, *, execution_date: date, debtor, count: int, total, items) -> None:
    """Header from the batch's own count and total, then every item; a header that would not match
    the lines (an item missing or added since the batch was made) is an error, not a file."""
    lines, seen, amount = [], 0, Decimal(0)
    for e2e, value, bank_code, number, holder, remittance in items:
        lines.append(detail_line(e2e, value, bank_code, number, holder, remittance))
        seen, amount = seen + 1, amount + Decimal(value)
    if seen != count or amount != Decimal(total):
        raise DistributionError(f"Isi batch berubah: {seen} baris Rp{amount:.2f}, kepala berkas {count} "
                                f"baris Rp{Decimal(total):.2f}")
    if not debtor.account.isdigit() or len(debtor.account) > 40:
        raise DistributionError(f"Rekening pembayar {debtor.account!r} tidak sah untuk Mandiri MCM")
    header = ",".join(["P", execution_date.strftime("%Y%m%d"), debtor.account, str(count), f"{amount:.2f}"])
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(header + "\r\n")
        for line in lines:
            handle.write(line + "\r\n")
