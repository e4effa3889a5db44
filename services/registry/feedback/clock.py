"""The complaint clock in working days (SP4N-LAPOR!): forward in 3, follow up in 5, close 10 after follow-up.

Working days skip Saturday and Sunday in the village's time zone (Asia/Jakarta) and any holiday dates
listed in COMPLAINT_HOLIDAYS (comma-separated YYYY-MM-DD); the three limits are set by
COMPLAINT_FORWARD_DAYS / COMPLAINT_FOLLOWUP_DAYS / COMPLAINT_CLOSE_DAYS. Every function takes ``now``
so tests (and reports for a past date) fix the time instead of reading the wall clock."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.common.settings import env_int, env_str

LOCAL = ZoneInfo("Asia/Jakarta")


@dataclass(frozen=True)
class ClockRules:
    forward_days: int = 3
    followup_days: int = 5
    close_days: int = 10
    holidays: frozenset[date] = frozenset()

    @classmethod
    def from_env(cls) -> ClockRules:
        holidays = frozenset(date.fromisoformat(d.strip()) for d in (env_str("COMPLAINT_HOLIDAYS") or "").split(",")
                             if d.strip())
        return cls(env_int("COMPLAINT_FORWARD_DAYS", 3), env_int("COMPLAINT_FOLLOWUP_DAYS", 5),
                   env_int("COMPLAINT_CLOSE_DAYS", 10), holidays)


def is_working_day(day: date, rules: ClockRules) -> bool:
    return day.weekday() < 5 and day not in rules.holidays


def add_working_days(start: datetime, days: int, rules: ClockRules) -> datetime:
    """The end of the ``days``-th working day after the local date of ``start`` (23:59:59 Jakarta time)."""
    day = start.astimezone(LOCAL).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, rules):
            counted += 1
    return datetime.combine(day, time(23, 59, 59), LOCAL)


@dataclass(frozen=True)
class ClockState:
    step: str | None      # "teruskan", "tindak_lanjut", "tutup" or None when closed
    due: datetime | None
    overdue: bool

    @property
    def label(self) -> str:
        if self.step is None:
            return "Selesai"
        names = {"teruskan": "Diteruskan", "tindak_lanjut": "Ditindaklanjuti", "tutup": "Ditutup"}
        when = self.due.astimezone(LOCAL).strftime("%d-%m-%Y")
        return f"{names[self.step]} paling lambat {when}" + (" (TERLAMBAT)" if self.overdue else "")


def clock_state(complaint, now: datetime, rules: ClockRules) -> ClockState:
    """Which step is due next for ``complaint``, by when, and whether that time has passed."""
    if complaint.status == "selesai":
        return ClockState(None, None, False)
    if complaint.status == "baru":
        step, due = "teruskan", add_working_days(_aware(complaint.received_at), rules.forward_days, rules)
    elif complaint.status == "diteruskan":
        step, due = "tindak_lanjut", add_working_days(_aware(complaint.forwarded_at), rules.followup_days, rules)
    else:
        step, due = "tutup", add_working_days(_aware(complaint.followed_up_at), rules.close_days, rules)
    return ClockState(step, due, _aware(now) > due)


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; the registry stores UTC.
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))
