"""An indicator measures its own area: a desa's indicator counts only that village's data, a kabupaten's
every village in it, whatever process computes it."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from services.registry.core.areas import read_codes, upsert
from services.registry.core.models.areas import VISIBLE_AREAS
from services.registry.core.periods import period_of
from services.registry.indicators.snapshots import compute_value
from services.registry.models import Area, Complaint, Indicator

MARCH = period_of(date(2026, 3, 1), "bulan")
KAMAL, GILI, KABUPATEN = "35.26.04.2001", "35.26.04.2005", "35.26"


def _at(day: int, hour: int = 3) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def test_each_area_measures_its_own_complaints(session):
    upsert(session, read_codes(f"kode,nama\n35,JAWA TIMUR\n{KABUPATEN},KABUPATEN BANGKALAN\n35.26.04,KAMAL\n"
                               f"{KAMAL},KAMAL\n{GILI},GILI ANYAR\n"))
    ids = {code: session.scalar(select(Area.id).where(Area.code == code)) for code in (KAMAL, GILI, KABUPATEN)}
    # Kamal closes in 2 days, Gili Anyar in 8 and 10.
    for n, (area, days) in enumerate(((KAMAL, 2), (GILI, 8), (GILI, 10))):
        session.add(Complaint(tracking_code=f"ADU-{n}", channel="web", category="penyaluran", title="-", body="-",
                              area_id=ids[area], received_at=_at(1), closed_at=_at(1 + days), status="selesai",
                              recorded_by="operator"))
    indicators = {code: Indicator(code="WAKTU-ADUAN", name="Waktu penyelesaian pengaduan", unit="hari",
                                  computation="waktu_penyelesaian_pengaduan", area_id=ids[code])
                  for code in (KAMAL, GILI, KABUPATEN)}
    session.add_all(indicators.values())
    session.flush()
    now = datetime(2026, 4, 2, tzinfo=UTC)
    values = {code: compute_value(session, indicator, MARCH, now)[0] for code, indicator in indicators.items()}
    assert (values[KAMAL].value, values[KAMAL].denominator) == (Decimal("2.00"), 1)
    assert (values[GILI].value, values[GILI].denominator) == (Decimal("9.00"), 2)
    assert (values[KABUPATEN].value, values[KABUPATEN].denominator) == (Decimal("8.00"), 3)
    assert {v.area_id for v in values.values()} == set(ids.values())

    # Computed under a narrower scope, the kabupaten indicator sees no more than that scope.
    token = VISIBLE_AREAS.set((ids[KABUPATEN], ids[GILI]))
    try:
        scoped, _ = compute_value(session, indicators[KABUPATEN], MARCH, now, force=True)
    finally:
        VISIBLE_AREAS.reset(token)
    assert (scoped.value, scoped.denominator) == (Decimal("9.00"), 2)
