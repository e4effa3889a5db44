"""Figures of the periodic reports (realisasi_bulanan, mitra_triwulan, tahunan_kabupaten) as plain JSON.

The figures dict is what the PDF, XLSX and CSV are drawn from and what ``figures_sha256`` hashes: it
holds no generation time, only values computed from facts dated before the period's end (facts.py),
so the same period generated again later gives the same bytes of JSON. Aggregates only: no names,
no NIK, no address; a household is counted, never listed."""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from services.registry.core.periods import MONTH_NAMES, Period, month_of, parse_period
from services.registry.programmes.models.funding import FUNDING_KIND_LABELS
from services.reports import facts

TITLES = {"realisasi_bulanan": "Laporan Realisasi Bulanan Desa",
          "mitra_triwulan": "Laporan Triwulan Mitra",
          "tahunan_kabupaten": "Laporan Tahunan untuk Kabupaten"}
MONEY, COUNT, PERCENT, TEXT, DAYS = "rupiah", "jumlah", "persen", "teks", "hari"


def canonical_json(figures: dict) -> str:
    return json.dumps(figures, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def figures_sha256(figures: dict) -> str:
    return hashlib.sha256(canonical_json(figures).encode("utf-8")).hexdigest()


def percent(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def table(key: str, title: str, columns: list[tuple[str, str]], rows: list[list]) -> dict:
    return {"key": key, "title": title, "columns": [{"name": n, "type": t} for n, t in columns], "rows": rows}


@dataclass
class Tally:
    budget: int = 0
    approved: int = 0
    in_period: int = 0
    cumulative: int = 0
    households: set = field(default_factory=set)

    def money_row(self) -> list:
        return [self.budget, self.approved, self.approved - self.cumulative, self.in_period, self.cumulative,
                percent(self.cumulative, self.budget), len(self.households)]


MONEY_COLUMNS = [("Anggaran", MONEY), ("Disetujui", MONEY), ("Terikat (belum tersalur)", MONEY),
                 ("Tersalur periode ini", MONEY), ("Tersalur s.d. akhir periode", MONEY), ("Serapan", PERCENT),
                 ("Penerima periode ini (KK)", COUNT)]


@dataclass
class Realisation:
    """Money and recipients per funding source, programme, funding kind, dusun and month for one period."""

    period: Period
    programmes: dict
    sources: dict = field(default_factory=dict)  # (programme_id, source_id) -> (name, kind, org_id)
    source_areas: dict = field(default_factory=dict)  # (programme_id, source_id) -> area of its programme
    by_source: dict = field(default_factory=lambda: defaultdict(Tally))
    by_dusun: dict = field(default_factory=lambda: defaultdict(Tally))  # (area id, dusun): two villages may
    # each have a "Pesisir"
    by_area: dict = field(default_factory=lambda: defaultdict(Tally))  # desa area id -> money and recipients
    by_area_source: dict = field(default_factory=lambda: defaultdict(Tally))  # (area id, programme, source)
    by_month: dict = field(default_factory=lambda: defaultdict(Tally))
    total: Tally = field(default_factory=Tally)
    areas: dict = field(default_factory=dict)  # id -> facts.AreaInfo


def realisation(session: Session, period: Period, programme_ids: set[int] | None = None,
                months_from: str | None = None) -> Realisation:
    """``months_from`` (YYYY-MM): also bucket money by month from then on, e.g. the year so far."""
    start, end = period.start, period.end
    result = Realisation(period, facts.programmes(session, programme_ids), areas=facts.areas(session))
    for source in facts.funding_sources(session, end, programme_ids):
        key = (source.programme_id, source.id)
        result.sources[key] = (source.name, source.kind, source.organisation_id)
        result.source_areas[key] = source.area_id
        result.by_source[key].budget = source.budget
        result.by_area[source.area_id].budget += source.budget  # a village's own sources; absorption per desa
    for key, amount in facts.approved_totals(session, end).items():
        if programme_ids is None or key[0] in programme_ids:
            result.by_source[key].approved = amount
    for event in facts.ledger_events(session, end, programme_ids):
        key = (event.programme_id, event.source_id)
        tally = result.by_source[key]
        tally.cumulative += event.amount
        area, area_source = result.by_area[event.area_id], result.by_area_source[(event.area_id, *key)]
        area.cumulative += event.amount
        area_source.cumulative += event.amount
        month = month_of(event.at)
        if months_from and month >= months_from:
            result.by_month[month].in_period += event.amount
            if event.event in facts.RECEIVED:
                result.by_month[month].households.add(event.household_id)
        if event.at < start:
            continue
        tally.in_period += event.amount
        place = (event.area_id, event.dusun)
        result.by_dusun[place].in_period += event.amount
        area.in_period += event.amount
        area_source.in_period += event.amount
        if event.event in facts.RECEIVED:
            for bucket in (tally, result.by_dusun[place], area, area_source, result.total):
                bucket.households.add(event.household_id)
    for tally in result.by_source.values():
        result.total.budget += tally.budget
        result.total.approved += tally.approved
        result.total.in_period += tally.in_period
        result.total.cumulative += tally.cumulative
    return result


def _programme_label(result: Realisation, programme_id: int) -> str:
    info = result.programmes.get(programme_id)
    return f"{info.code} - {info.name}" if info else f"Program {programme_id}"


def _source_label(result: Realisation, key) -> tuple[str, str]:
    name, kind, _org = result.sources.get(key, ("(tanpa sumber dana)", "", None))
    return name, FUNDING_KIND_LABELS.get(kind, kind or "-")


def source_table(result: Realisation, keys=None) -> dict:
    keys = sorted(keys if keys is not None else result.by_source, key=lambda k: (_programme_label(result, k[0]), k))
    rows = [[_programme_label(result, k[0]), *_source_label(result, k), *result.by_source[k].money_row()]
            for k in keys]
    return table("per_sumber_dana", "Per program dan sumber dana",
                 [("Program", TEXT), ("Sumber dana", TEXT), ("Jenis dana", TEXT), *MONEY_COLUMNS], rows)


def _merge(tallies) -> Tally:
    out = Tally()
    for t in tallies:
        out.budget += t.budget
        out.approved += t.approved
        out.in_period += t.in_period
        out.cumulative += t.cumulative
        out.households |= t.households
    return out


def programme_table(result: Realisation, keys=None) -> dict:
    groups = defaultdict(list)
    for key in (keys if keys is not None else result.by_source):
        groups[key[0]].append(result.by_source[key])
    rows = sorted([_programme_label(result, pid), *_merge(ts).money_row()] for pid, ts in groups.items())
    return table("per_program", "Per program", [("Program", TEXT), *MONEY_COLUMNS], rows)


def kind_table(result: Realisation) -> dict:
    groups = defaultdict(list)
    for key, tally in result.by_source.items():
        groups[_source_label(result, key)[1]].append(tally)
    rows = sorted([kind, *_merge(ts).money_row()] for kind, ts in groups.items())
    return table("per_jenis_dana", "Per jenis sumber dana", [("Jenis dana", TEXT), *MONEY_COLUMNS], rows)


def area_label(result: Realisation, area_id: int | None) -> tuple[str, str]:
    """(Kemendagri code, name) of an area, for rows grouped by village."""
    info = result.areas.get(area_id)
    return (info.code, info.name) if info else ("-", "(tanpa wilayah)")


def dusun_table(result: Realisation) -> dict:
    """Per desa (by its code) and dusun: a dusun name alone is not a place in a kabupaten."""
    rows = sorted([*area_label(result, area_id), dusun, len(t.households), t.in_period]
                  for (area_id, dusun), t in result.by_dusun.items())
    return table("per_dusun", "Penerima dan dana tersalur per desa dan dusun",
                 [("Kode desa", TEXT), ("Desa", TEXT), ("Dusun", TEXT), ("Penerima (KK)", COUNT), ("Tersalur", MONEY)],
                 rows)


def month_table(result: Realisation, months: list[str]) -> dict:
    rows = [[f"{MONTH_NAMES[int(m[5:]) - 1]} {m[:4]}", result.by_month[m].in_period,
             len(result.by_month[m].households)] for m in months]
    return table("per_bulan", "Tersalur per bulan", [("Bulan", TEXT), ("Tersalur", MONEY), ("Penerima (KK)", COUNT)],
                 rows)


def summary(result: Realisation) -> list[list]:
    t = result.total
    return [["Anggaran", t.budget, MONEY], ["Disetujui", t.approved, MONEY],
            ["Terikat (belum tersalur)", t.approved - t.cumulative, MONEY],
            ["Tersalur periode ini", t.in_period, MONEY], ["Tersalur s.d. akhir periode", t.cumulative, MONEY],
            ["Serapan anggaran", percent(t.cumulative, t.budget), PERCENT],
            ["Penerima periode ini (KK)", len(t.households), COUNT]]


def budget_chart(result: Realisation, keys=None) -> dict:
    keys = sorted(keys if keys is not None else result.by_source, key=lambda k: (_programme_label(result, k[0]), k))
    labels = [f"{result.programmes[k[0]].code if k[0] in result.programmes else k[0]}: {_source_label(result, k)[0]}"
              for k in keys]
    return {"key": "anggaran_vs_tersalur", "type": "bar", "title": "Anggaran dan tersalur per sumber dana",
            "labels": labels, "series": {"Anggaran": [result.by_source[k].budget for k in keys],
                                         "Tersalur": [result.by_source[k].cumulative for k in keys]}}


def monthly_chart(result: Realisation, months: list[str]) -> dict:
    return {"key": "tersalur_per_bulan", "type": "line", "title": "Dana tersalur per bulan",
            "labels": [f"{MONTH_NAMES[int(m[5:]) - 1][:3]} {m[2:4]}" for m in months],
            "series": {"Tersalur": [result.by_month[m].in_period for m in months]}}


def base(kind: str, period: Period) -> dict:
    return {"report": kind, "title": TITLES[kind], "period": period.key, "period_label": period.label,
            "as_of": period.end.isoformat()}


def realisasi_bulanan(session: Session, period_text: str) -> dict:
    period = parse_period(period_text, "month")
    year_months = [m for m in parse_period(period.key[:4], "year").months() if m <= period.key]
    result = realisation(session, period, months_from=year_months[0])
    return {**base("realisasi_bulanan", period), "summary": summary(result),
            "tables": [programme_table(result), source_table(result), dusun_table(result),
                       month_table(result, year_months)],
            "charts": [budget_chart(result), monthly_chart(result, year_months)]}


