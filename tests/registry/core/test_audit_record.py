"""record() is the one writer of audit entries: its details are JSON-safe, survive the database and the chain."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.core.audit import plain, record
from services.registry.core.audit_chain import verify
from services.registry.models import AuditEntry


class Status(enum.Enum):
    AKTIF = "aktif"


def test_plain_keeps_money_exact_and_dates_as_iso_text():
    value = {"amount": Decimal("300000.50"), "on": date(2026, 3, 1), "at": datetime(2026, 3, 1, 8, 30),
             "status": Status.AKTIF, 7: ("a", {Decimal("1")}), "ids": {3, 1, 2}, "other": complex(1, 2)}
    assert plain(value) == {"amount": "300000.50", "on": "2026-03-01", "at": "2026-03-01T08:30:00",
                            "status": "aktif", "7": ["a", ["1"]], "ids": [1, 2, 3], "other": "(1+2j)"}
    assert plain([None, True, 2, 1.5, "x"]) == [None, True, 2, 1.5, "x"]


def test_record_writes_a_chained_entry_whose_details_read_back_unchanged(engine):
    with Session(engine) as session:
        record(session, "operator", "update", "cycle", 12, before=Decimal("100"), after=Decimal("150.00"),
               entity="a detail may share an argument's name", held_on=date(2026, 5, 2))
        record(session, None, "rescore", "household_welfare", None)
        session.commit()
    with Session(engine) as session:
        first, second = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        assert (first.actor, first.entity, first.entity_id) == ("operator", "cycle", "12")
        assert first.details == {"before": "100", "after": "150.00", "held_on": "2026-05-02",
                                 "entity": "a detail may share an argument's name"}
        assert (second.actor, second.entity_id, second.details) == ("sistem", None, None)
        assert verify(session).ok and verify(session).entries == 2
