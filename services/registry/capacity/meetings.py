"""Community meetings: overdue follow-up actions, issues turned into proposals, minutes as PDF."""
from __future__ import annotations

import io
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.capacity.common import CapacityError
from services.registry.core.audit import record_row
from services.registry.models import CommunityMeeting, MeetingAction, MeetingIssue, ProgrammeProposal


def overdue_actions(session: Session, today: date | None = None) -> list[MeetingAction]:
    today = today or date.today()
    return list(session.scalars(select(MeetingAction).where(
        MeetingAction.done_on.is_(None), MeetingAction.due_on < today).order_by(MeetingAction.due_on)))


def issue_to_proposal(session: Session, issue: MeetingIssue, actor: str, title: str | None = None,
                      ) -> ProgrammeProposal:
    """Turn a raised issue into a programme proposal once (a second call returns the same proposal)."""
    existing = session.scalar(select(ProgrammeProposal).where(ProgrammeProposal.source_issue_id == issue.id))
    if existing is not None:
        return existing
    if issue.outcome == "pengaduan":
        raise CapacityError("Masalah ini sudah diteruskan sebagai pengaduan")
    proposal = ProgrammeProposal(title=(title or issue.text)[:200], description=issue.text, source_issue=issue)
    session.add(proposal)
    issue.outcome = "usulan_program"
    record_row(session, actor, "issue_to_proposal", proposal, issue_id=issue.id, meeting_id=issue.meeting_id)
    return proposal


def issue_to_complaint(session: Session, issue: MeetingIssue, actor: str) -> None:
    """Mark the issue as forwarded to the complaints desk."""
    if issue.outcome == "usulan_program":
        raise CapacityError("Masalah ini sudah menjadi usulan program")
    if issue.outcome == "pengaduan":
        return
    # LEAD: create the complaint through the complaints module (built in another branch) with
    # channel "rembug_warga", text issue.text, reporter issue.raised_by, and keep its id on the issue.
    issue.outcome = "pengaduan"
    record_row(session, actor, "issue_to_complaint", issue, meeting_id=issue.meeting_id)


def _p(text, style):
    return Paragraph(escape(str(text or "-")).replace("\n", "<br/>"), style)


def minutes_pdf(meeting: CommunityMeeting, today: date | None = None) -> bytes:
    """Notulen: agenda, attendance, issues, decisions and follow-up actions, in small tables."""
    today = today or date.today()
    styles = getSampleStyleSheet()
    body, heading = styles["BodyText"], styles["Heading2"]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=f"Notulen {meeting.title}",
                            leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm, bottomMargin=2 * cm)
    story = [Paragraph(f"NOTULEN RAPAT: {escape(meeting.title)}", styles["Title"]),
             _p(f"Tanggal: {meeting.held_on:%d-%m-%Y}   Tempat: {meeting.place}   Dusun: {meeting.dusun or '-'}", body),
             _p(f"Pimpinan rapat: {meeting.chair or '-'}", body), Spacer(1, 0.3 * cm),
             Paragraph("Agenda", heading)]
    story += [_p(f"{n}. {line}", body) for n, line in
              enumerate([x for x in (meeting.agenda or "").splitlines() if x.strip()], 1)] or [_p("-", body)]

    def table(title, header, rows, widths):
        story.append(Paragraph(title, heading))
        if not rows:
            story.append(_p("Tidak ada.", body))
            return
        data = [[_p(h, body) for h in header]] + [[_p(c, body) for c in row] for row in rows]
        # Page-sized chunks: ReportLab splits one huge table in O(n^2).
        for start in range(1, len(data), 40):
            chunk = Table([data[0]] + data[start:start + 40], colWidths=widths, repeatRows=1)
            chunk.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, "#888888"),
                                       ("BACKGROUND", (0, 0), (-1, 0), "#e0e0e0"),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story.append(chunk)

    table(f"Daftar hadir ({len(meeting.attendees)} orang)", ["No", "Nama", "Unsur"],
          [[n, a.name, a.role] for n, a in enumerate(meeting.attendees, 1)], [1.2 * cm, 9 * cm, 6.8 * cm])
    outcomes = {"tercatat": "Dicatat", "usulan_program": "Usulan program", "pengaduan": "Pengaduan"}
    table("Masalah yang disampaikan", ["No", "Masalah", "Disampaikan oleh", "Tindak lanjut"],
          [[n, i.text, i.raised_by, outcomes.get(i.outcome, i.outcome)] for n, i in enumerate(meeting.issues, 1)],
          [1.2 * cm, 8 * cm, 4 * cm, 3.8 * cm])
    table("Keputusan", ["No", "Keputusan"], [[n, d.text] for n, d in enumerate(meeting.decisions, 1)],
          [1.2 * cm, 15.8 * cm])

    def state(action):
        if action.done_on:
            return f"Selesai {action.done_on:%d-%m-%Y}"
        return "TERLAMBAT" if action.due_on < today else "Berjalan"

    table("Rencana tindak lanjut", ["No", "Kegiatan", "Penanggung jawab", "Batas waktu", "Status"],
          [[n, a.description, a.owner, f"{a.due_on:%d-%m-%Y}", state(a)] for n, a in enumerate(meeting.actions, 1)],
          [1.2 * cm, 6.8 * cm, 3.5 * cm, 2.5 * cm, 3 * cm])
    doc.build(story)
    return buffer.getvalue()
