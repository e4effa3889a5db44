"""Budget checks: refuse an approval or a payout that would overspend a funding source. The sums
themselves are read queries (``programmes/models/read.py``)."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from services.registry.core.money import rupiah
from services.registry.models import FundingSource
from services.registry.programmes.models.read import source_status


class BudgetError(ValueError):
    """Approving this would overspend a funding source."""


def require_available(session: Session, source: FundingSource | None, needed: Decimal) -> None:
    """Refuse (BudgetError, in Indonesian) when ``needed`` exceeds what the source has left."""
    if needed <= 0:
        return
    if source is None:
        raise BudgetError("Siklus ini belum punya sumber dana: pilih sumber dana sebelum disetujui")
    status = source_status(session, source)
    if needed > status["available"]:
        raise BudgetError(f"Dana {source.name} tidak cukup: sisa {rupiah(status['available'])}, "
                          f"dibutuhkan {rupiah(needed)} (anggaran {rupiah(status['budget'])}, "
                          f"terikat {rupiah(status['committed'])}, tersalur {rupiah(status['disbursed'])})")
