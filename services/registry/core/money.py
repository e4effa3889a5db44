"""Rupiah as people read it: "Rp300.000", rounded to the whole rupiah, "—" when there is no amount.

The one formatter for screens, PDFs, spreadsheets' text cells and SMS alike, so an amount reads the same
everywhere (a missing amount is not the same fact as Rp0, so it is never printed as one)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

EMPTY = "—"


def rupiah(amount) -> str:
    if amount is None or amount == "":
        return EMPTY
    whole = Decimal(str(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    sign = "-" if whole < 0 else ""
    return f"{sign}Rp{abs(int(whole)):,}".replace(",", ".")
