"""Kobo/ODK export import and DTSEN desil import: mapping, rejection reports, idempotent re-import."""
from __future__ import annotations

import csv

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from services.registry.core.parsing import RosterFileError
from services.registry.models import AuditEntry, HouseholdWelfare, SurveyResponse
from services.registry.surveys.dtsen import import_dtsen
from services.registry.surveys.kobo import import_kobo
from tests.registry.surveys.survey_helpers import BPS_CODES, kk, setup_registry

GROUPS = {"k01": "perumahan", "k08": "konsumsi", "k11": "kesehatan", "k12": "pekerjaan", "k13": "pekerjaan",
          "k14": "aset"}


def _path(code: str, style: str) -> str:
    group = next((g for prefix, g in GROUPS.items() if code >= prefix), "perumahan")
    if code.startswith("k0") and code < "k08":
        group = "perumahan"
    return f"{group}/{code}" if style == "slash" else f"{group}-{code}"


def _kobo_rows(style: str):
    header = ["start", "end", "identitas/no_kk", *[_path(c, style) for c in BPS_CODES], "meta/instanceID", "_uuid",
              "_submission_time", "_index"]
    rows = [header]
    answers = [["ya"] * 10 + ["tidak"] * 4, ["tidak"] * 14, ["yes"] * 14, ["ya"] * 13 + ["mungkin"], ["ya"] * 14]
    kks = [kk(1), kk(2), kk(3), kk(4), "3526010101269999"]
    for i, (no_kk, cells) in enumerate(zip(kks, answers, strict=True)):
        rows.append(["2026-03-01T08:00:00+07:00", "2026-03-01T08:20:00+07:00", no_kk, *cells,
                     f"uuid:0000-{i}", f"0000-{i}", "2026-03-01T01:25:00", str(i + 1)])
    return rows


def _write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    return path


def test_kobo_csv_import_maps_group_paths_reports_rejections_and_reimports_nothing(session, tmp_path):
    households, bps, _ = setup_registry(session, 4)
    path = _write_csv(tmp_path / "kobo_export.csv", _kobo_rows("slash"))
    result = import_kobo(session, path, bps, actor="operator")
    assert (result.imported, result.unchanged) == (3, 0)
    reasons = {number: reason for number, reason, _ in result.rejected}
    assert reasons == {4: "k14_aset: harus 'ya' atau 'tidak'", 5: "NO_KK '3526010101269999' tidak ada di registri"}
    report = list(csv.reader(result.report.open(encoding="utf-8-sig")))
    assert report[0][:3] == ["BARIS", "ALASAN", "start"] and [r[0] for r in report[1:]] == ["4", "5"]
    stored = session.execute(select(SurveyResponse).where(SurveyResponse.household_id == households[0].id)
                             ).scalar_one()
    assert (float(stored.score), stored.source, stored.submission_key) == (10, "kobo", "uuid:0000-0")
    assert stored.collected_at.year == 2026
    again = import_kobo(session, path, bps, actor="operator")
    assert (again.imported, again.unchanged, len(again.rejected)) == (0, 3, 2)
    assert session.execute(select(func.count()).select_from(SurveyResponse)).scalar_one() == 3


def test_kobo_xlsx_with_dash_paths_and_no_uuid_is_idempotent_by_row_content(session, tmp_path):
    _, bps, _ = setup_registry(session, 4)
    rows = [[c for j, c in enumerate(row) if j not in (17, 18)] for row in _kobo_rows("dash")]  # no uuid columns
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / "odk.xlsx"
    workbook.save(path)
    first = import_kobo(session, path, bps)
    second = import_kobo(session, path, bps)
    assert (first.imported, len(first.rejected)) == (3, 2)
    assert (second.imported, second.unchanged) == (0, 3)
    keys = session.scalars(select(SurveyResponse.submission_key)).all()
    assert len(keys) == 3 and all(key.startswith("row:") for key in keys)


def test_kobo_file_without_kk_column_is_refused_whole(session, tmp_path):
    _, bps, _ = setup_registry(session, 1)
    path = _write_csv(tmp_path / "x.csv", [["perumahan/k01_luas_lantai"], ["ya"]])
    with pytest.raises(RosterFileError, match="no_kk"):
        import_kobo(session, path, bps)


def test_dtsen_import_sets_desil_beside_the_score_with_a_rejection_report(session, tmp_path):
    households, _, _ = setup_registry(session, 3)
    session.add(HouseholdWelfare(household_id=households[0].id, score=9, band="miskin", explanation={}))
    session.commit()
    path = _write_csv(tmp_path / "dtsen.csv", [
        ["NO_KK", "DESIL"], [kk(1), "2"], [kk(2), "11"], [kk(3), "5"], ["123", "4"], ["3526010101260077", "1"],
        [kk(3), "6"]])
    result = import_dtsen(session, path, actor="operator")
    assert (result.updated, result.unchanged) == (2, 0)
    assert [(n, r) for n, r, _ in result.rejected] == [
        (2, "DESIL harus angka 1 sampai 10, bukan '11'"), (4, "NO_KK harus 16 digit angka"),
        (5, "NO_KK 3526010101260077 tidak ada di registri"),
        (6, f"NO_KK {kk(3)} muncul lagi dengan desil lain (baris 3)")]
    first = session.get(HouseholdWelfare, households[0].id)
    assert (first.dtsen_desil, first.band, float(first.score)) == (2, "miskin", 9)
    assert session.get(HouseholdWelfare, households[2].id).dtsen_desil == 5
    again = import_dtsen(session, path, actor="operator")
    assert (again.updated, again.unchanged) == (0, 2)
    audit = session.scalars(select(AuditEntry).where(AuditEntry.entity == "dtsen_desil").order_by(AuditEntry.id)
                            ).first()
    assert audit.details["changes"][0] == {"no_kk": kk(1), "before": None, "after": 2}
