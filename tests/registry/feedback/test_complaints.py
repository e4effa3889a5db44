"""Complaints: recording (idempotent, anonymous, sensitive), the working-day clock with a fixed "now",
escalation once per step, auto-close, and the SP4N-LAPOR! export columns."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from services.registry.feedback.clock import ClockRules, add_working_days, clock_state
from services.registry.feedback.complaints import (
    ComplaintError,
    close,
    escalate_overdue,
    follow_up,
    forward,
    record_complaint,
)
from services.registry.feedback.lapor_export import LAPOR_COLUMNS, lapor_rows, write_csv, write_xlsx
from services.registry.models import AuditEntry, Complaint

UTC = timezone.utc  # noqa: UP017
# Friday 2027-01-08 10:00 in Jakarta (03:00 UTC): three working days later is Wednesday 2027-01-13.
FRIDAY = datetime(2027, 1, 8, 3, 0, tzinfo=UTC)
RULES = ClockRules()


def _payload(code="ADU-AAAA2222", category="tidak_menerima", **extra):
    return {"tracking_code": code, "channel": "web", "category": category, "body": "Bantuan bulan ini belum sampai",
            "location": "RT 001 / RW 002", **extra}


def test_working_days_skip_the_weekend_and_holidays():
    assert add_working_days(FRIDAY, 3, RULES).date().isoformat() == "2027-01-13"
    with_holiday = ClockRules(holidays=frozenset({datetime(2027, 1, 11).date()}))
    assert add_working_days(FRIDAY, 3, with_holiday).date().isoformat() == "2027-01-14"


def test_clock_is_configurable_from_the_environment(monkeypatch):
    monkeypatch.setenv("COMPLAINT_FORWARD_DAYS", "1")
    monkeypatch.setenv("COMPLAINT_HOLIDAYS", "2027-01-11, 2027-01-12")
    rules = ClockRules.from_env()
    assert rules.forward_days == 1 and add_working_days(FRIDAY, 1, rules).date().isoformat() == "2027-01-13"


def test_record_is_idempotent_and_audited(session):
    first = record_complaint(session, _payload(phone="0812-3456-7890", sender_name="Bu Ani"), "publik:web",
                             now=FRIDAY)
    again = record_complaint(session, _payload(), "publik:web", now=FRIDAY)
    session.commit()
    assert again.id == first.id and first.phone == "+6281234567890" and first.status == "baru"
    assert session.scalar(select(func.count()).select_from(Complaint)) == 1
    audit = session.scalars(select(AuditEntry).where(AuditEntry.entity == "complaint")).all()
    assert [a.action for a in audit] == ["create"] and audit[0].entity_id == "ADU-AAAA2222"


def test_anonymous_complaint_keeps_no_identity_and_sensitive_is_flagged(session):
    complaint = record_complaint(session, _payload(category="pungli", anonymous=True, phone="081234567890",
                                                   sender_name="Pak X"), "publik:web", now=FRIDAY)
    assert complaint.sensitive and complaint.anonymous
    assert complaint.phone is None and complaint.sender_name is None


@pytest.mark.parametrize("bad, message", [({"category": "gosip"}, "Kategori"), ({"body": "  "}, "Isi"),
                                          ({"phone": "12"}, "Nomor HP")])
def test_bad_complaints_are_refused_with_a_reason(session, bad, message):
    with pytest.raises(ComplaintError, match=message):
        record_complaint(session, {**_payload(), **bad}, "publik:web")


def test_clock_escalates_once_per_step_and_auto_closes(session):
    complaint = record_complaint(session, _payload(), "publik:web", now=FRIDAY)
    session.commit()
    wednesday_evening = datetime(2027, 1, 13, 16, 0, tzinfo=UTC)  # 23:00 Jakarta: still in time
    assert clock_state(complaint, wednesday_evening, RULES).overdue is False
    thursday = datetime(2027, 1, 14, 2, 0, tzinfo=UTC)
    state = clock_state(complaint, thursday, RULES)
    assert state.step == "teruskan" and state.overdue and "TERLAMBAT" in state.label
    assert escalate_overdue(session, thursday, RULES) == {"escalated": 1, "closed": 0}
    assert escalate_overdue(session, thursday, RULES) == {"escalated": 0, "closed": 0}  # once per step
    assert complaint.escalation_level == 1

    forward(session, complaint, "Kasi Kesejahteraan", "operator", now=thursday)
    followed = datetime(2027, 1, 18, 3, 0, tzinfo=UTC)  # Monday
    follow_up(session, complaint, "Sudah dicek ke lapangan", "operator", now=followed)
    due = clock_state(complaint, followed, RULES).due
    assert clock_state(complaint, followed, RULES).step == "tutup" and due.date().isoformat() == "2027-02-01"
    assert escalate_overdue(session, datetime(2027, 2, 1, 12, 0, tzinfo=UTC), RULES)["closed"] == 0
    assert escalate_overdue(session, datetime(2027, 2, 2, 3, 0, tzinfo=UTC), RULES) == {"escalated": 0, "closed": 1}
    session.commit()
    assert complaint.status == "selesai" and "Ditutup otomatis" in complaint.resolution
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "complaint")
                              .order_by(AuditEntry.id)).all()
    assert actions == ["create", "escalate", "update", "update", "update"]


def test_steps_must_follow_the_order(session):
    complaint = record_complaint(session, _payload(), "publik:web", now=FRIDAY)
    with pytest.raises(ComplaintError, match="berstatus baru"):
        close(session, complaint, "selesai", "operator")
    with pytest.raises(ComplaintError, match="Tujuan"):
        forward(session, complaint, " ", "operator")


def test_lapor_export_columns_and_sensitive_filter(session, tmp_path):
    record_complaint(session, _payload(title="=HYPERLINK(\"http://x\")"), "publik:web", now=FRIDAY)
    record_complaint(session, _payload(code="ADU-BBBB3333", category="nepotisme"), "staf", now=FRIDAY)
    session.commit()
    rows = lapor_rows(session, include_sensitive=False)
    assert len(rows) == 1
    buffer = io.StringIO()
    write_csv(rows, buffer)
    parsed = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert tuple(parsed[0]) == LAPOR_COLUMNS
    assert parsed[0][:6] == ["judul", "isi", "kategori", "tanggal", "lokasi", "status"]
    record = dict(zip(parsed[0], parsed[1], strict=True))
    assert record["judul"].startswith("'=")  # formula neutralised
    assert record["kategori"] == "Tidak menerima" and record["tanggal"] == "2027-01-08 10:00"
    assert record["lokasi"] == "RT 001 / RW 002" and record["status"] == "Belum Terverifikasi"
    write_xlsx(lapor_rows(session, include_sensitive=True), tmp_path / "lapor.xlsx")
    sheet = load_workbook(tmp_path / "lapor.xlsx").active
    values = list(sheet.values)
    assert values[0] == LAPOR_COLUMNS and len(values) == 3 and values[2][2] == "Nepotisme"


def test_cli_export_lapor(registry_url, session, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from services.registry.cli.main import export_lapor

    record_complaint(session, _payload(), "publik:web", now=FRIDAY)
    record_complaint(session, _payload(code="ADU-BBBB3333", category="pungli"), "staf", now=FRIDAY)
    session.commit()
    monkeypatch.setenv("REGISTRY_DATABASE_URL", registry_url)
    result = CliRunner().invoke(export_lapor, [str(tmp_path / "lapor.csv")])
    assert result.exit_code == 0 and "1 pengaduan" in result.output
    result = CliRunner().invoke(export_lapor, [str(tmp_path / "lapor.xlsx"), "--sensitif"])
    assert "2 pengaduan" in result.output and len(list(load_workbook(tmp_path / "lapor.xlsx").active.values)) == 3
