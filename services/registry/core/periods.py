"""Reporting periods in village time (WIB, Asia/Jakarta): a month "2026-03", a quarter "2026-Q1" (triwulan;
"2026-T1" is read as the same quarter) or a year "2026". Indicators and reports share them, so a March
indicator and the March report count the same facts.

A period is the half-open range [start, end) of Jakarta midnights: a fact belongs to it when
``start <= at < end`` (23:59 WIB on the last day is in, 00:00 WIB on the next day is not), and a report
"as of" the period counts only facts with ``at < end``."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
QUARTER = re.compile(r"^(\d{4})-[QT]([1-4])$")
YEAR = re.compile(r"^(\d{4})$")
MONTH_NAMES = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
               "Oktober", "November", "Desember")
QUARTER_NUMERALS = ("I", "II", "III", "IV")
# Which period shape each report kind takes (and how the admin form explains it).
PERIOD_KIND = {"realisasi_bulanan": "month", "mitra_triwulan": "quarter", "tahunan_kabupaten": "year",
               "programme_recipients": "month"}
PERIOD_HINT = {"month": "TAHUN-BULAN (YYYY-MM), mis. 2026-10", "quarter": "YYYY-Qn, mis. 2026-Q3",
               "year": "YYYY, mis. 2026"}
# An indicator's granularity (stored in Indonesian) and the period shape it is computed over.
GRANULARITY_SHAPE = {"bulan": "month", "triwulan": "quarter", "tahun": "year"}
_MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}


class PeriodError(ValueError):
    """A period text that does not fit its shape (message in Indonesian)."""


@dataclass(frozen=True)
class Period:
    key: str
    first_day: date
    next_first_day: date  # the day after the period's last day

    @property
    def start(self) -> datetime:
        return _midnight(self.first_day)

    @property
    def end(self) -> datetime:
        return _midnight(self.next_first_day)

    # The same instants in UTC: SQLite drops the zone when binding a datetime and holds UTC wall clocks,
    # so registry queries that run on both databases compare against these.
    @property
    def start_utc(self) -> datetime:
        return self.start.astimezone(UTC)

    @property
    def end_utc(self) -> datetime:
        return self.end.astimezone(UTC)

    @property
    def year_start_utc(self) -> datetime:
        return _midnight(date(self.first_day.year, 1, 1)).astimezone(UTC)

    def months(self) -> list[str]:
        """Every YYYY-MM inside the period, in order."""
        out, day = [], self.first_day
        while day < self.next_first_day:
            out.append(f"{day:%Y-%m}")
            day = _add_months(day, 1)
        return out

    @property
    def label(self) -> str:
        """What a person reads: "Maret 2026", "Triwulan I 2026", "Tahun 2026"."""
        months = len(self.months())
        if months == 1:
            return f"{MONTH_NAMES[self.first_day.month - 1]} {self.first_day.year}"
        if months == 3:
            return f"Triwulan {QUARTER_NUMERALS[(self.first_day.month - 1) // 3]} {self.first_day.year}"
        return f"Tahun {self.first_day.year}"


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=JAKARTA)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _of_shape(shape: str, day: date) -> Period:
    """The period of ``shape`` that contains ``day``, under its one key."""
    if shape == "month":
        first = date(day.year, day.month, 1)
        key = f"{first:%Y-%m}"
    elif shape == "quarter":
        first = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        key = f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    else:
        first, key = date(day.year, 1, 1), f"{day.year:04d}"
    return Period(key, first, _add_months(first, _MONTHS_IN[shape]))


def parse_period(text: str | None, shape: str) -> Period:
    """``text`` as a period of ``shape`` (month / quarter / year); PeriodError with the expected form."""
    text = (text or "").strip().upper()
    if shape == "month" and (m := MONTH.match(text)):
        return _of_shape(shape, date(int(m[1]), int(m[2]), 1))
    if shape == "quarter" and (m := QUARTER.match(text)):
        return _of_shape(shape, date(int(m[1]), (int(m[2]) - 1) * 3 + 1, 1))
    if shape == "year" and (m := YEAR.match(text)):
        return _of_shape(shape, date(int(m[1]), 1, 1))
    raise PeriodError(f"Periode {text or '(kosong)'!s} tidak sah: gunakan {PERIOD_HINT[shape]}")


def period_for(kind: str, text: str | None) -> Period:
    """The period of a report kind (see ``PERIOD_KIND``)."""
    return parse_period(text, PERIOD_KIND[kind])


def parse_month(text: str | None) -> date:
    """The first day of the month ``text`` (YYYY-MM)."""
    return parse_period(text, "month").first_day


def period_of(month: date, granularity: str) -> Period:
    """The period of ``granularity`` (bulan, triwulan, tahun) that contains ``month``."""
    if granularity not in GRANULARITY_SHAPE:
        raise PeriodError(f"Granularitas '{granularity}' tidak dikenal (bulan, triwulan, tahun)")
    return _of_shape(GRANULARITY_SHAPE[granularity], month)


def month_of(moment: datetime) -> str:
    """YYYY-MM of a stored timestamp in Jakarta time (SQLite's naive values are UTC)."""
    return _in_jakarta(moment).strftime("%Y-%m")


def _in_jakarta(moment: datetime) -> datetime:
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return aware.astimezone(JAKARTA)


def previous_period(shape: str, now: datetime | None = None) -> str:
    """The key of the last complete month / quarter / year before ``now`` (Jakarta; naive = UTC)."""
    today = _in_jakarta(now or datetime.now(UTC)).date()
    current = _of_shape(shape, today)
    return _of_shape(shape, _add_months(current.first_day, -_MONTHS_IN[shape])).key


def previous_month(now: datetime) -> date:
    """The first day of the last complete month before ``now``: what the monthly run computes by default."""
    return parse_month(previous_period("month", now))
