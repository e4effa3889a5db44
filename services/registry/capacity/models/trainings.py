"""Trainings (pelatihan): organiser, target group, sessions, enrolments, attendance and follow-ups."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.registry.core.base import Base, utcnow
from services.registry.core.models.areas import InArea
from services.registry.people.models.people import Person
from services.registry.programmes.models.programmes import Organisation, Programme

ORGANISER_KINDS = ("desa", "dinas", "lsm", "csr")
ENROLMENT_STATUSES = ("diundang", "terdaftar", "selesai", "keluar")
WORK_STATUSES = ("bekerja", "usaha_sendiri", "tidak_bekerja")


class Training(InArea, Base):
    __tablename__ = "training"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topic: Mapped[str] = mapped_column(String(150))
    description: Mapped[str | None] = mapped_column(Text)
    organiser_kind: Mapped[str] = mapped_column(String(20), default="desa")  # one of ORGANISER_KINDS
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    # The programme the training belongs to: partners see (and record) trainings of their programmes only.
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id"), index=True)
    # {"sex": "P", "age_min": 18, "age_max": 55, "programme_code": "BLT-DD", "dusun": "Kamal Timur"}
    target_rule: Mapped[dict | None] = mapped_column(JSON)
    capacity: Mapped[int] = mapped_column(Integer, default=20)
    status: Mapped[str] = mapped_column(String(20), default="direncanakan")  # direncanakan/berjalan/selesai
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organisation: Mapped[Organisation | None] = relationship()
    programme: Mapped[Programme | None] = relationship()
    sessions: Mapped[list[TrainingSession]] = relationship(back_populates="training",
                                                           order_by="TrainingSession.held_on")
    enrolments: Mapped[list[TrainingEnrolment]] = relationship(back_populates="training",
                                                               order_by="TrainingEnrolment.id")

    def __repr__(self) -> str:
        return self.topic


class TrainingSession(Base):
    __tablename__ = "training_session"
    __area_via__ = ("training_id", "training")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("training.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(150))
    # A photo of the signed paper attendance sheet, relative to var/uploads.
    attendance_sheet: Mapped[str | None] = mapped_column(String(255))

    training: Mapped[Training] = relationship(back_populates="sessions")

    def __repr__(self) -> str:
        return f"{self.held_on:%d-%m-%Y} {self.place}"


class TrainingEnrolment(Base):
    __tablename__ = "training_enrolment"
    __area_via__ = ("person_id", "person")
    __table_args__ = (UniqueConstraint("training_id", "person_id", name="uq_training_enrolment_person"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("training.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="diundang")  # one of ENROLMENT_STATUSES
    invited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_on: Mapped[date | None] = mapped_column(Date)
    certificate_code: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Set by on_training_completed; the lead's skills-registry wiring reads it (LEAD: person_skill).
    skill_recorded: Mapped[bool] = mapped_column(Boolean, default=False)

    training: Mapped[Training] = relationship(back_populates="enrolments")
    person: Mapped[Person] = relationship()
    attendance: Mapped[list[TrainingAttendance]] = relationship(back_populates="enrolment")
    follow_ups: Mapped[list[TrainingFollowUp]] = relationship(back_populates="enrolment",
                                                              order_by="TrainingFollowUp.months")

    def __repr__(self) -> str:
        return f"{self.person} ({self.training})"


class TrainingAttendance(Base):
    __tablename__ = "training_attendance"
    __table_args__ = (UniqueConstraint("session_id", "enrolment_id", name="uq_training_attendance_session"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("training_enrolment.id", ondelete="CASCADE"), index=True)
    present: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by: Mapped[str | None] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    session: Mapped[TrainingSession] = relationship()
    enrolment: Mapped[TrainingEnrolment] = relationship(back_populates="attendance")


class TrainingFollowUp(Base):
    """The 3- and 6-month survey of a participant's income and work after completing a training."""

    __tablename__ = "training_follow_up"
    __table_args__ = (UniqueConstraint("enrolment_id", "months", name="uq_training_follow_up_months"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("training_enrolment.id", ondelete="CASCADE"), index=True)
    months: Mapped[int] = mapped_column(Integer)  # 3 or 6
    due_on: Mapped[date] = mapped_column(Date, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    monthly_income: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    work_status: Mapped[str | None] = mapped_column(String(20))  # one of WORK_STATUSES

    enrolment: Mapped[TrainingEnrolment] = relationship(back_populates="follow_ups")
