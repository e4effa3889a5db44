"""The annual kabupaten report: the year of every village side by side, per kecamatan and desa.

Same rules as the other periodic reports (periodic_data.py): figures only from facts dated before the
year's end, so the same year generated again gives the same SHA-256. Villages are named by their
Kemendagri code, never by a dusun name alone. The report goes beyond the village that made it, so every
count of households, recipients or complaints between 1 and 4 in a per-area row is shown as "< 5"."""
from __future__ import annotations

from collections import defaultdict
from statistics import median

from sqlalchemy.orm import Session

from services.registry.core.periods import parse_period
from services.reports import facts
from services.reports.periodic_data import (
    COUNT,
    DAYS,
    MONEY,
    PERCENT,
    TEXT,
    Realisation,
    Tally,
    _programme_label,
    _source_label,
    area_label,
    base,
    budget_chart,
    dusun_table,
    kind_table,
    month_table,
    monthly_chart,
    percent,
    programme_table,
    realisation,
    source_table,
    summary,
    table,
)

SMALL = 5


def small(count: int):
    """A count that could single out a family or a complainant in a village is not shown exactly."""
    return f"< {SMALL}" if 0 < count < SMALL else count


class AreaRow:
    def __init__(self) -> None:
        self.households = 0
        self.money = Tally()
        self.own_disbursed = 0  # of the village's own funding sources: what its absorption is measured on
        self.complaints = facts.ComplaintFacts()
        self.villages = 0


def _desa_rows(session: Session, result: Realisation) -> dict[int | None, AreaRow]:
    period = result.period
    rows: dict[int | None, AreaRow] = defaultdict(AreaRow)
    for area_id, count in facts.households_by_area(session, period.end).items():
        rows[area_id].households = count
    for area_id, tally in result.by_area.items():
        rows[area_id].money = tally
    for (area_id, programme_id, source_id), tally in result.by_area_source.items():
        if result.source_areas.get((programme_id, source_id)) == area_id:
            rows[area_id].own_disbursed += tally.cumulative
    for area_id, complaints in facts.complaints_by_area(session, period.start, period.end).items():
        rows[area_id].complaints = complaints
    # Money of programmes run above the village (budget at the kabupaten or kecamatan) is not a village's.
    return {a: r for a, r in rows.items() if a is None or result.areas.get(a) is None
            or result.areas[a].level == "desa"}


def _median_days(values: list[float]) -> float | None:
    return round(median(values), 1) if values else None


def _kecamatan_of(result: Realisation, area_id: int | None) -> tuple[str, str]:
    info = result.areas.get(area_id)
    parent = result.areas.get(info.parent_id) if info else None
    return (parent.code, parent.name) if parent else ("-", "(tanpa kecamatan)")


def desa_table(result: Realisation, rows: dict) -> dict:
    out = []
    for area_id, row in rows.items():
        money, complaints = row.money, row.complaints
        out.append([_kecamatan_of(result, area_id)[1], *area_label(result, area_id), small(row.households),
                    small(len(money.households)), money.in_period, money.cumulative, money.budget,
                    percent(row.own_disbursed, money.budget), small(complaints.received), small(complaints.closed),
                    small(complaints.open_at_end), _median_days(complaints.days_to_close)])
    out.sort(key=lambda r: (r[1], r[2]))
    return table("per_desa", "Per desa",
                 [("Kecamatan", TEXT), ("Kode desa", TEXT), ("Desa", TEXT), ("KK terdaftar", COUNT),
                  ("Penerima (KK)", COUNT), ("Tersalur tahun ini", MONEY), ("Tersalur s.d. akhir tahun", MONEY),
                  ("Anggaran desa", MONEY), ("Serapan anggaran desa", PERCENT), ("Pengaduan diterima", COUNT),
                  ("Pengaduan selesai", COUNT), ("Pengaduan masih terbuka", COUNT),
                  ("Median hari sampai selesai", DAYS)], out)


def kecamatan_table(result: Realisation, rows: dict) -> dict:
    groups: dict[tuple[str, str], dict] = {}
    for area_id, row in rows.items():
        group = groups.setdefault(_kecamatan_of(result, area_id), {
            "villages": 0, "households": 0, "money": Tally(), "own": 0, "received": 0, "closed": 0, "open": 0,
            "days": []})
        group["villages"] += 1
        group["households"] += row.households
        group["money"].households |= row.money.households
        for name in ("in_period", "cumulative", "budget"):
            setattr(group["money"], name, getattr(group["money"], name) + getattr(row.money, name))
        group["own"] += row.own_disbursed
        group["received"] += row.complaints.received
        group["closed"] += row.complaints.closed
        group["open"] += row.complaints.open_at_end
        group["days"] += row.complaints.days_to_close
    out = [[code, name, g["villages"], small(g["households"]), small(len(g["money"].households)),
            g["money"].in_period, g["money"].cumulative, g["money"].budget, percent(g["own"], g["money"].budget),
            small(g["received"]), small(g["closed"]), small(g["open"]), _median_days(g["days"])]
           for (code, name), g in sorted(groups.items())]
    return table("per_kecamatan", "Per kecamatan",
                 [("Kode kecamatan", TEXT), ("Kecamatan", TEXT), ("Desa", COUNT), ("KK terdaftar", COUNT),
                  ("Penerima (KK)", COUNT), ("Tersalur tahun ini", MONEY), ("Tersalur s.d. akhir tahun", MONEY),
                  ("Anggaran desa", MONEY), ("Serapan anggaran desa", PERCENT), ("Pengaduan diterima", COUNT),
                  ("Pengaduan selesai", COUNT), ("Pengaduan masih terbuka", COUNT),
                  ("Median hari sampai selesai", DAYS)], out)


def desa_programme_table(result: Realisation) -> dict:
    rows = [[*area_label(result, area_id), _programme_label(result, programme_id),
             _source_label(result, (programme_id, source_id))[0], small(len(t.households)), t.in_period]
            for (area_id, programme_id, source_id), t in result.by_area_source.items()
            if t.in_period or t.households]
    return table("per_desa_program", "Penerima dan tersalur per desa, program dan sumber dana",
                 [("Kode desa", TEXT), ("Desa", TEXT), ("Program", TEXT), ("Sumber dana", TEXT),
                  ("Penerima (KK)", COUNT), ("Tersalur tahun ini", MONEY)], sorted(rows))


def indicator_table(session: Session, result: Realisation) -> dict:
    period = result.period
    rows = [[*area_label(result, fact.area_id), f"{fact.code} - {fact.name}", fact.period, fact.value, fact.unit]
            for fact in facts.indicator_values(session, period.start, period.end)]
    return table("indikator_per_desa", "Indikator per wilayah (periode terakhir dalam tahun)",
                 [("Kode wilayah", TEXT), ("Wilayah", TEXT), ("Indikator", TEXT), ("Periode", TEXT),
                  ("Nilai", TEXT), ("Satuan", TEXT)], sorted(rows, key=lambda r: (r[0], r[2])))


def kecamatan_chart(table_rows: list[list]) -> dict:
    return {"key": "tersalur_per_kecamatan", "type": "bar", "title": "Dana tersalur per kecamatan",
            "labels": [row[1] for row in table_rows],
            "series": {"Tersalur": [row[5] for row in table_rows]}}


def tahunan_kabupaten(session: Session, period_text: str) -> dict:
    period = parse_period(period_text, "year")
    months = period.months()
    result = realisation(session, period, months_from=months[0])
    rows = _desa_rows(session, result)
    kecamatan = kecamatan_table(result, rows)
    return {**base("tahunan_kabupaten", period), "summary": summary(result),
            "tables": [kecamatan, desa_table(result, rows), desa_programme_table(result), programme_table(result),
                       source_table(result), kind_table(result), dusun_table(result), month_table(result, months),
                       indicator_table(session, result)],
            "charts": [kecamatan_chart(kecamatan["rows"]), budget_chart(result), monthly_chart(result, months)]}
