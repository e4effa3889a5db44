"""Community meetings on SQLite and PostgreSQL: overdue actions, issues into proposals, minutes PDF."""
from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from services.registry.capacity.common import CapacityError
from services.registry.capacity.meetings import issue_to_complaint, issue_to_proposal, minutes_pdf, overdue_actions
from services.registry.models import (
    AuditEntry,
    CommunityMeeting,
    MeetingAction,
    MeetingAttendee,
    MeetingDecision,
    MeetingIssue,
    ProgrammeProposal,
)


@pytest.fixture
def meeting(session):
    meeting = CommunityMeeting(title="Rembug warga Kamal Timur", held_on=date(2026, 11, 1), place="Musala Al-Ikhlas",
                               dusun="Kamal Timur", chair="Kepala Dusun",
                               agenda="Jalan rusak di RT 01\nAir bersih musim kemarau")
    meeting.attendees = [MeetingAttendee(name=f"Warga {n}", role="warga") for n in range(1, 60)]
    meeting.issues = [MeetingIssue(text="Sumur umum kering sejak Agustus", raised_by="Bu Siti"),
                      MeetingIssue(text="Bantuan beras tidak sampai ke RT 03", raised_by="Pak Hasan")]
    meeting.decisions = [MeetingDecision(text="Usulkan sumur bor ke Dinas PUPR")]
    meeting.actions = [MeetingAction(description="Surat ke Dinas PUPR", owner="Sekdes", due_on=date(2026, 11, 15)),
                       MeetingAction(description="Cek data beras RT 03", owner="Operator", due_on=date(2026, 12, 15)),
                       MeetingAction(description="Kerja bakti", owner="RT 01", due_on=date(2026, 11, 10),
                                     done_on=date(2026, 11, 9))]
    session.add(meeting)
    session.commit()
    return meeting


def test_overdue_actions_only_open_and_past_due(session, meeting):
    assert [a.description for a in overdue_actions(session, date(2026, 11, 29))] == ["Surat ke Dinas PUPR"]
    assert overdue_actions(session, date(2026, 11, 15)) == []


def test_issues_become_a_proposal_or_a_complaint_once(session, meeting):
    well, rice = meeting.issues
    proposal = issue_to_proposal(session, well, "operator", title="Sumur bor Kamal Timur")
    assert issue_to_proposal(session, well, "operator") is proposal
    issue_to_complaint(session, rice, "operator")
    session.commit()
    assert session.scalar(select(func.count(ProgrammeProposal.id))) == 1
    assert (well.outcome, rice.outcome) == ("usulan_program", "pengaduan")
    with pytest.raises(CapacityError, match="sudah menjadi usulan"):
        issue_to_complaint(session, well, "operator")
    with pytest.raises(CapacityError, match="pengaduan"):
        issue_to_proposal(session, rice, "operator")
    assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action.like("issue_to_%"))) == 2


def test_minutes_pdf_has_every_section(meeting):
    pdf = minutes_pdf(meeting, today=date(2026, 11, 29))
    assert pdf.startswith(b"%PDF")
    # Table cells wrap: compare with whitespace collapsed.
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    for expected in ("NOTULEN RAPAT", "Daftar hadir (59 orang)", "Warga 59", "Sumur umum kering",
                     "Usulkan sumur bor", "TERLAMBAT", "Selesai 09-11-2026"):
        assert expected in text
