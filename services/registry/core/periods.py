"""Reporting periods: a month "2026-01", a quarter "2026-T1" (triwulan) or a year "2026".

Boundaries are UTC midnights, start inclusive and end exclusive, so that an event at 23:59 on the
last day belongs to the period and one at 00:00 on the next day does not."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class PeriodError(ValueError):
    """A period text that is not YYYY-MM."""


@dataclass(frozen=True)
class Period:
    key: str
    start: date
    end: date  # exclusive

    @property
    def start_at(self) -> datetime:
        return datetime(self.start.year, self.start.month, self.start.day, tzinfo=UTC)

    @property
    def end_at(self) -> datetime:
        return datetime(self.end.year, self.end.month, self.end.day, tzinfo=UTC)

    @property
    def year_start_at(self) -> datetime:
        return datetime(self.start.year, 1, 1, tzinfo=UTC)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def parse_month(text: str) -> date:
    match = MONTH.match((text or "").strip())
    if not match:
        raise PeriodError(f"Periode '{text}' tidak sah: tulis TAHUN-BULAN, mis. 2026-03")
    return date(int(match.group(1)), int(match.group(2)), 1)


def period_of(month: date, granularity: str) -> Period:
    """The period of ``granularity`` (bulan, triwulan, tahun) that contains ``month``."""
    if granularity == "bulan":
        start = date(month.year, month.month, 1)
        return Period(f"{start:%Y-%m}", start, _add_months(start, 1))
    if granularity == "triwulan":
        quarter = (month.month - 1) // 3
        start = date(month.year, quarter * 3 + 1, 1)
        return Period(f"{month.year}-T{quarter + 1}", start, _add_months(start, 3))
    if granularity == "tahun":
        return Period(str(month.year), date(month.year, 1, 1), date(month.year + 1, 1, 1))
    raise PeriodError(f"Granularitas '{granularity}' tidak dikenal (bulan, triwulan, tahun)")


def previous_month(now: datetime) -> date:
    """The last complete month before ``now``: what the monthly run computes by default."""
    return _add_months(date(now.year, now.month, 1), -1)
