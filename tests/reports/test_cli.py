"""``bansos generate-report`` runs in-process and prints the paths of files that really exist."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from services.reports.cli import generate_report


def test_generate_report_cli(databases, tmp_var, monkeypatch):
    registry_url, reports_url, _ = databases
    monkeypatch.setenv("REGISTRY_READ_URL", registry_url)
    monkeypatch.setenv("REPORTS_DATABASE_URL", reports_url)
    result = CliRunner().invoke(generate_report, ["--programme", "BLT-DD-2026", "--format", "csv"])
    assert result.exit_code == 0, result.output
    paths = [Path(line.split()[0]) for line in result.output.splitlines() if line.endswith(tuple("0123456789abcdef"))]
    assert len(paths) == 1 and paths[0].suffix == ".csv" and paths[0].read_text(encoding="utf-8").startswith("No,NIK")
    missing = CliRunner().invoke(generate_report, ["--programme", "TIDAK-ADA"])
    assert missing.exit_code != 0 and "tidak ditemukan" in missing.output


def test_generate_periodic_report_cli(databases, tmp_var, monkeypatch):
    from services.reports.cli import generate_periodic_report

    registry_url, reports_url, _ = databases
    monkeypatch.setenv("REGISTRY_READ_URL", registry_url)
    monkeypatch.setenv("REPORTS_DATABASE_URL", reports_url)
    args = ["--kind", "realisasi_bulanan", "--period", "2026-10", "--format", "csv"]
    first = CliRunner().invoke(generate_periodic_report, args)
    again = CliRunner().invoke(generate_periodic_report, args)
    assert first.exit_code == 0, first.output
    digest = first.output.splitlines()[0]
    assert digest.startswith("angka sha256=") and len(digest) == len("angka sha256=") + 64
    assert again.output.splitlines()[0] == digest  # a closed month: the same figures every time
    paths = [Path(line.split()[0]) for line in first.output.splitlines()[1:]]
    assert sorted(p.suffix for p in paths) == [".csv", ".png"] and all(p.is_file() for p in paths)
    wrong = CliRunner().invoke(generate_periodic_report, ["--kind", "mitra_triwulan", "--period", "2026-10"])
    assert wrong.exit_code != 0 and "YYYY-Qn" in wrong.output
    nobody = CliRunner().invoke(generate_periodic_report, ["--kind", "mitra_triwulan", "--period", "2026-Q4",
                                                           "--mitra", "999"])
    assert nobody.exit_code != 0 and "tidak ditemukan" in nobody.output
