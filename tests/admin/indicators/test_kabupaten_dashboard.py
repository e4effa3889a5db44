"""Dasbor Kabupaten: Admin, Dinas Sosial and camat read the villages per kecamatan; village staff do not."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from admin.roles import CAMAT, DINSOS
from services.registry.core.areas import default_desa_code
from services.registry.models import Area, Household
from tests.admin.stack import login

PASSWORD = "Uji-Kabupaten-2026"


def _user(stack, username: str, role_name: str) -> None:
    with stack.app.app_context():
        sm = stack.app.appbuilder.sm
        if sm.find_user(username=username) is None:
            assert sm.add_user(username, "Uji", role_name, f"{username}@uji.desa.id", sm.find_role(role_name),
                               password=PASSWORD)


def test_admin_and_kabupaten_roles_read_the_villages_per_kecamatan(stack, client, db):
    households = db.scalar(select(func.count()).select_from(Household).join(Area, Area.id == Household.area_id)
                           .where(Area.code == default_desa_code()))
    login(client, "admin")
    page = client.get("/kabupaten-dashboard/").get_data(as_text=True)
    assert "Dasbor Kabupaten" in page and 'data-code="35.26.04"' in page
    row = re.search(rf'<tr class="desa-row" data-code="{re.escape(default_desa_code())}">(.*?)</tr>', page, re.S)
    assert row is not None and f"<td>{households}</td>" in row.group(1)
    bad = client.get("/kabupaten-dashboard/?tahun=20x6").get_data(as_text=True)
    assert "alert-danger" in bad and "desa-row" in bad  # a bad year says why and shows the current one
    client.get("/logout/")
    for username, role_name in (("uji_dinsos", DINSOS), ("uji_camat", CAMAT)):
        _user(stack, username, role_name)
        login(client, username, PASSWORD)
        assert client.get("/kabupaten-dashboard/").status_code == 200
        assert client.get("/households/add").status_code in (302, 403)  # they read the villages, never add to them
        client.get("/logout/")


def test_village_staff_do_not_see_the_kabupaten_dashboard(client):
    login(client, "operator")
    answer = client.get("/kabupaten-dashboard/")
    assert answer.status_code in (302, 403)
