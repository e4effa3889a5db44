"""BNBA lists (only NIK, NAMA): registered persons' households are enrolled; every other row has a reason."""
from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from services.cli import main as bansos
from services.registry.core.parsing import RosterFileError
from services.registry.models import AuditEntry, Enrolment, Household, Person, Programme
from services.registry.people.importer.bnba import import_bnba, same_name

NIK_A, NIK_B, NIK_TWICE = "3526014501800001", "3526011203750002", "3526010101700003"


@pytest.fixture
def registered(session):
    programme = Programme(code="BLT-DD-2027", name="BLT Dana Desa 2027", kind="tunai")
    first = Household(no_kk="3526010101200001", rt="001", rw="001", dusun="Krajan")
    second = Household(no_kk="3526010101200002", rt="002", rw="001", dusun="Tlaga")
    other = Household(no_kk="3526010101200003", rt="003", rw="001", dusun="Tlaga")
    first.members = [Person(nik=NIK_A, name="SITI AMINAH", sex="P", birth_date=date(1980, 1, 5))]
    second.members = [Person(nik=NIK_B, name="MOH. HASAN", sex="L", birth_date=date(1975, 3, 12)),
                      Person(nik=NIK_TWICE, name="ABD. ROSYID", sex="L", birth_date=date(1970, 1, 1))]
    other.members = [Person(nik=NIK_TWICE, name="ABD. ROSYID", sex="L", birth_date=date(1970, 1, 1))]
    session.add_all([programme, first, second, other])
    session.commit()
    return programme


def test_listed_households_are_enrolled_once_and_bad_rows_reported(session, registered, write_csv):
    path = write_csv([["NIK", "NAMA", "KETERANGAN"],
                      [NIK_A, "Siti Aminah", "tahap 1"],
                      [NIK_B, "MOH HASAN", ""],
                      [NIK_A, "SITI AMINAH", "ganda"],
                      ["3526019999999999", "ORANG ASING", ""],
                      ["12345", "NIK PENDEK", ""],
                      [NIK_TWICE, "ABD. ROSYID", ""],
                      ["3526010508900004", "TIDAK TERDAFTAR", ""]], name="bnba.csv")
    result = import_bnba(session, path, "BLT-DD-2027", "operator")
    assert (result.enrolled, result.already, result.rejected) == (2, 0, 5)
    reasons = result.report_path.read_text(encoding="utf-8-sig")
    for expected in ("lebih dari sekali", "16 digit", "lebih dari satu KK", "tidak ada di registri"):
        assert expected in reasons
    enrolled = session.scalars(select(Enrolment).where(Enrolment.programme_id == registered.id)).all()
    assert sorted(e.recipient.nik for e in enrolled) == [NIK_B, NIK_A]
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "import_bnba")).one()
    assert audit.details["enrolled"] == 2 and audit.details["rejected"] == 5

    again = import_bnba(session, path, "BLT-DD-2027", "operator")
    assert (again.enrolled, again.already) == (0, 2)
    assert session.scalar(select(func.count()).select_from(Enrolment)) == 2


def test_a_name_that_does_not_match_the_registry_is_refused(session, registered, write_csv):
    path = write_csv([["nik", "nama"], [NIK_A, "SITI ROMLAH"]], name="salah.csv")
    result = import_bnba(session, path, "BLT-DD-2027", "operator")
    assert (result.enrolled, result.rejected) == (0, 1)
    assert "tidak sama dengan nama di registri" in result.report_path.read_text(encoding="utf-8-sig")


def test_missing_columns_or_programme_are_refused_as_a_whole(session, registered, write_csv):
    with pytest.raises(RosterFileError, match="NAMA"):
        import_bnba(session, write_csv([["NIK"], [NIK_A]], name="tanpa-nama.csv"), "BLT-DD-2027", "operator")
    with pytest.raises(RosterFileError, match="tidak ada"):
        import_bnba(session, write_csv([["NIK", "NAMA"], [NIK_A, "SITI AMINAH"]]), "TIDAK-ADA", "operator")


@pytest.mark.parametrize("listed, registered_name, same", [
    ("Moh. Hasan", "MOH HASAN", True), ("SITI  AMINAH", "SITI AMINAH", True), ("Abd'Rosyid", "ABD ROSYID", True),
    ("SITI ROMLAH", "SITI AMINAH", False),
])
def test_same_name_ignores_only_spelling_noise(listed, registered_name, same):
    assert same_name(listed, registered_name) is same


def test_cli_import_bnba(registered, registry_url, write_csv, monkeypatch):
    monkeypatch.setenv("REGISTRY_DATABASE_URL", registry_url)
    path = write_csv([["NIK", "NAMA"], [NIK_A, "SITI AMINAH"], ["1", "X"]], name="cli.csv")
    result = CliRunner().invoke(bansos, ["import-bnba", str(path), "--programme", "BLT-DD-2027"])
    assert result.exit_code == 0, result.output
    assert "didaftarkan 1" in result.output and "ditolak 1" in result.output
