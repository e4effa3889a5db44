"""Community meetings (rembug warga) beyond the recipients' musyawarah: agenda, minutes, follow-ups."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.registry.core.base import Base, utcnow
from services.registry.core.models.areas import InArea
from services.registry.people.models.people import Person

ISSUE_OUTCOMES = ("tercatat", "usulan_program", "pengaduan")


class CommunityMeeting(InArea, Base):
    __tablename__ = "community_meeting"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(150))
    dusun: Mapped[str | None] = mapped_column(String(100))
    chair: Mapped[str | None] = mapped_column(String(150))
    agenda: Mapped[str | None] = mapped_column(Text)  # one item per line
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    attendees: Mapped[list[MeetingAttendee]] = relationship(back_populates="meeting", cascade="all, delete-orphan")
    issues: Mapped[list[MeetingIssue]] = relationship(back_populates="meeting", cascade="all, delete-orphan")
    decisions: Mapped[list[MeetingDecision]] = relationship(back_populates="meeting", cascade="all, delete-orphan")
    actions: Mapped[list[MeetingAction]] = relationship(back_populates="meeting", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"{self.title} ({self.held_on:%d-%m-%Y})"


class MeetingAttendee(Base):
    __tablename__ = "meeting_attendee"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("community_meeting.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))  # guests need not be in the registry
    name: Mapped[str] = mapped_column(String(150))
    role: Mapped[str | None] = mapped_column(String(100))  # warga, RT, BPD, pendamping...

    meeting: Mapped[CommunityMeeting] = relationship(back_populates="attendees")
    person: Mapped[Person | None] = relationship()


class MeetingIssue(Base):
    __tablename__ = "meeting_issue"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("community_meeting.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    raised_by: Mapped[str | None] = mapped_column(String(150))
    outcome: Mapped[str] = mapped_column(String(20), default="tercatat")  # one of ISSUE_OUTCOMES

    meeting: Mapped[CommunityMeeting] = relationship(back_populates="issues")


class MeetingDecision(Base):
    __tablename__ = "meeting_decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("community_meeting.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)

    meeting: Mapped[CommunityMeeting] = relationship(back_populates="decisions")


class MeetingAction(Base):
    __tablename__ = "meeting_action"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("community_meeting.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(150))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    done_on: Mapped[date | None] = mapped_column(Date)

    meeting: Mapped[CommunityMeeting] = relationship(back_populates="actions")


class ProgrammeProposal(Base):
    """A programme idea raised by residents, to be weighed by the village (not yet a Programme)."""

    __tablename__ = "programme_proposal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    source_issue_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_issue.id"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="baru")  # baru / dibahas / diterima / ditolak
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    source_issue: Mapped[MeetingIssue | None] = relationship()
