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
