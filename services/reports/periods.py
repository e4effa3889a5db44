"""Report periods: a month (YYYY-MM), a quarter (YYYY-Qn) or a year (YYYY), in village (Jakarta) time.

A period is a half-open range [start, end) of aware datetimes: a fact belongs to it when
``start <= at < end``, and a report "as of" the period counts only facts with ``at < end``."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
YEAR = re.compile(r"^(\d{4})$")
MONTH_NAMES = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
               "Oktober", "November", "Desember")
# Which period shape each report kind takes (and how the admin form explains it).
PERIOD_KIND = {"realisasi_bulanan": "month", "mitra_triwulan": "quarter", "tahunan_kabupaten": "year",
               "programme_recipients": "month"}
PERIOD_HINT = {"month": "YYYY-MM, mis. 2026-10", "quarter": "YYYY-Qn, mis. 2026-Q3", "year": "YYYY, mis. 2026"}


class PeriodError(ValueError):
    """A period text that does not fit its report kind (message in Indonesian)."""


@dataclass(frozen=True)
class Period:
    text: str
    first_day: date
    next_first_day: date  # the day after the period's last day

    @property
    def start(self) -> datetime:
        return datetime(self.first_day.year, self.first_day.month, self.first_day.day, tzinfo=JAKARTA)

    @property
    def end(self) -> datetime:
        return datetime(self.next_first_day.year, self.next_first_day.month, self.next_first_day.day,
                        tzinfo=JAKARTA)

    @property
    def end_utc_naive(self) -> datetime:
        """``end`` as naive UTC: how SQLite hands timestamps back (PostgreSQL compares aware ones)."""
        return self.end.astimezone(UTC).replace(tzinfo=None)

    def months(self) -> list[str]:
        """Every YYYY-MM inside the period, in order."""
        out, year, month = [], self.first_day.year, self.first_day.month
        while date(year, month, 1) < self.next_first_day:
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    @property
    def label(self) -> str:
        months = self.months()
        if len(months) == 1:
            return f"{MONTH_NAMES[self.first_day.month - 1]} {self.first_day.year}"
        if len(months) == 3:
            return f"Triwulan {(self.first_day.month - 1) // 3 + 1} {self.first_day.year}"
        return f"Tahun {self.first_day.year}"


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def parse_period(text: str | None, shape: str) -> Period:
    """``text`` as a period of ``shape`` (month / quarter / year); PeriodError with the expected form."""
    text = (text or "").strip().upper()
    if shape == "month" and (m := MONTH.match(text)):
        first = date(int(m[1]), int(m[2]), 1)
        return Period(text, first, _add_months(first, 1))
    if shape == "quarter" and (m := QUARTER.match(text)):
        first = date(int(m[1]), (int(m[2]) - 1) * 3 + 1, 1)
        return Period(text, first, _add_months(first, 3))
    if shape == "year" and (m := YEAR.match(text)):
        return Period(text, date(int(m[1]), 1, 1), date(int(m[1]) + 1, 1, 1))
    raise PeriodError(f"Periode {text or '(kosong)'!s} tidak sah: gunakan {PERIOD_HINT[shape]}")


def period_for(kind: str, text: str | None) -> Period:
    return parse_period(text, PERIOD_KIND[kind])


def month_of(moment: datetime) -> str:
    """YYYY-MM of a stored timestamp in Jakarta time (SQLite's naive values are UTC)."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return aware.astimezone(JAKARTA).strftime("%Y-%m")


def previous_period(shape: str, now: datetime | None = None) -> str:
    """The last complete month / quarter / year before ``now`` (Jakarta): what beat reports on."""
    today = (now or datetime.now(JAKARTA)).astimezone(JAKARTA).date()
    if shape == "month":
        prev = _add_months(date(today.year, today.month, 1), -1)
        return f"{prev.year:04d}-{prev.month:02d}"
    if shape == "quarter":
        this_q = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        prev = _add_months(this_q, -3)
        return f"{prev.year:04d}-Q{(prev.month - 1) // 3 + 1}"
    return f"{today.year - 1:04d}"


def is_closed(period: Period, now: datetime | None = None) -> bool:
    """A period that has ended: its figures can no longer change."""
    return (now or datetime.now(JAKARTA)) >= period.end
