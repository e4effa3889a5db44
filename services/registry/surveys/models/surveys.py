"""Needs surveys: versioned instruments (questions as data), campaigns, enumerators and responses.

An instrument version is never edited once it has responses: a change of questions or weights is a
new version. A follow-up survey of a household is a NEW response, so changes over time stay
measurable; scoring reads the latest one (see services/registry/surveys/scoring.py)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.registry.core.base import Base, utcnow
from services.registry.people.models.people import Household

ANSWER_TYPES = ("ya_tidak", "bilangan", "desimal", "pilihan", "teks")
SOURCES = ("admin", "api", "kobo", "openrosa", "demo")
PURPOSES = ("kesejahteraan", "kebutuhan")  # welfare scoring instrument / village needs instrument


class Instrument(Base):
    __tablename__ = "survey_instrument"
    __table_args__ = (UniqueConstraint("code", "version", name="uq_survey_instrument_code_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(20), default="kebutuhan")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # {"threshold": 9, "band_mode": "kategori"|"desil", "rentan_threshold": 6}: data, not code.
    scoring: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    questions: Mapped[list[Question]] = relationship(back_populates="instrument", order_by="Question.position",
                                                     cascade="all, delete-orphan")

    @property
    def form_id(self) -> str:
        """The XForm / OpenRosa id: code and version, so a phone never mixes two versions."""
        return f"{self.code.lower().replace('-', '_')}_v{self.version}"

    def __repr__(self) -> str:
        return f"{self.name} (v{self.version})"


class Question(Base):
    __tablename__ = "survey_question"
    __table_args__ = (UniqueConstraint("instrument_id", "code", name="uq_survey_question_instrument_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("survey_instrument.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(60))
    group: Mapped[str | None] = mapped_column(String(100))  # group path, e.g. "kesehatan"
    text: Mapped[str] = mapped_column(String(500))
    answer_type: Mapped[str] = mapped_column(String(20))
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    # [{"value": "tanah", "label": "Tanah", "weight": 1}, ...] for "pilihan"
    choices: Mapped[list | None] = mapped_column(JSON)
    weight: Mapped[Decimal] = mapped_column(Numeric(8, 3), default=0)
    # For numbers: {"op": "<", "value": 600000} counts the weight when true; "ya" counts for ya_tidak.
    criterion: Mapped[dict | None] = mapped_column(JSON)

    instrument: Mapped[Instrument] = relationship(back_populates="questions")

    def __repr__(self) -> str:
        return self.code


campaign_enumerator = Table(
    "survey_campaign_enumerator", Base.metadata,
    Column("campaign_id", ForeignKey("survey_campaign.id", ondelete="CASCADE"), primary_key=True),
    Column("enumerator_id", ForeignKey("survey_enumerator.id", ondelete="CASCADE"), primary_key=True),
)


class Enumerator(Base):
    """A field enumerator (pendamping); logs into ODK Collect with HTTP Digest (or Basic over HTTPS).

    Digest cannot be checked against a salted hash, so ``digest_ha1`` keeps md5(username:realm:password)
    as RFC 7616 prescribes (what ODK Collect computes). It is as sensitive as a password for this realm
    only; set both through ``surveys.credentials.set_password`` so they never disagree."""

    __tablename__ = "survey_enumerator"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(150))
    phone: Mapped[str | None] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    digest_ha1: Mapped[str | None] = mapped_column(String(32))  # NULL: set before Digest existed
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def digest_ready(self) -> str:
        """For the admin list: an account made before Digest needs its password set once more."""
        return "ya" if self.digest_ha1 else "belum (atur ulang kata sandi)"

    def __repr__(self) -> str:
        return self.full_name


class SurveyCampaign(Base):
    """Which households (region filter), which enumerators, which period, which instrument."""

    __tablename__ = "survey_campaign"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("survey_instrument.id"), index=True)
    desa: Mapped[str | None] = mapped_column(String(100))
    dusun: Mapped[str | None] = mapped_column(String(100))  # empty: every dusun of the desa
    rw: Mapped[str | None] = mapped_column(String(3))
    rt: Mapped[str | None] = mapped_column(String(3))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="aktif")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    instrument: Mapped[Instrument] = relationship()
    enumerators: Mapped[list[Enumerator]] = relationship(secondary=campaign_enumerator)

    def __repr__(self) -> str:
        return self.name


class SurveyResponse(Base):
    """One visit to one household under one instrument version; never overwritten."""

    __tablename__ = "survey_response"
    __area_via__ = ("household_id", "household")
    __table_args__ = (
        Index("ix_survey_response_household_collected", "household_id", "collected_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"))
    instrument_id: Mapped[int] = mapped_column(ForeignKey("survey_instrument.id"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("survey_campaign.id"), index=True)
    enumerator_id: Mapped[int | None] = mapped_column(ForeignKey("survey_enumerator.id"))
    collected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    source: Mapped[str] = mapped_column(String(20))
    # Idempotency key: ODK instanceID / Kobo _uuid, or a hash of an imported row; NULL for admin entry.
    submission_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # {question code: value}
    # Computed once from the answers under this instrument version (immutable), so re-ranking the
    # whole registry is one set-based SQL statement.
    score: Mapped[Decimal | None] = mapped_column(Numeric(10, 3))
    explanation: Mapped[dict | None] = mapped_column(JSON)
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    household: Mapped[Household] = relationship()
    instrument: Mapped[Instrument] = relationship()
    campaign: Mapped[SurveyCampaign | None] = relationship()
    enumerator: Mapped[Enumerator | None] = relationship()


class OpenRosaNonceUse(Base):
    """One (Digest nonce, nc) pair that authenticated a request: the same pair again is a replay.

    Nonces themselves are stateless (signed, time-limited; services/registry/web/openrosa_auth.py); only the
    counts used are stored, one row each, so concurrent requests of one phone never race on a counter.
    Rows older than the nonce lifetime are pruned."""

    __tablename__ = "openrosa_nonce_use"

    nonce: Mapped[str] = mapped_column(String(80), primary_key=True)
    nc: Mapped[int] = mapped_column(Integer, primary_key=True)
    used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
