"""Pemantau pekerjaan: the registry beat's watchdog passes, listed for staff and auditors, newest first."""
from __future__ import annotations

from datetime import timedelta

from services.common.db import utcnow
from services.registry.models import WatchdogRun
from tests.admin.stack import login


def test_staff_and_auditors_see_each_watchdog_pass_and_what_it_resent(client, db):
    db.add_all([WatchdogRun(ran_at=utcnow() - timedelta(minutes=5), detail="tidak ada yang macet"),
                WatchdogRun(ran_at=utcnow(), entitlements=1, exports=2, detail="siklus 7; batch 3, 4")])
    db.commit()
    for role in ("operator", "auditor"):
        login(client, role)
        page = client.get("/pemantau/list/").get_data(as_text=True)
        assert "Pemantau Pekerjaan Macet" in page and "Ekspor batch dikirim ulang" in page
        assert page.index("siklus 7; batch 3, 4") < page.index("tidak ada yang macet")  # newest first
        client.get("/logout/")
    login(client, "operator")
    assert client.post("/pemantau/delete/1").status_code in (302, 403, 404, 405)
    assert db.get(WatchdogRun, 1) is not None  # read-only: nothing can be deleted from the screen
