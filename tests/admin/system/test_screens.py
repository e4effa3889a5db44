"""What the registry screens show: a household with its members and enrolments, persons, health."""
from __future__ import annotations

from sqlalchemy import select

from services.registry.models import Enrolment, Household, Person, Programme
from tests.admin.stack import login


def test_household_show_lists_members_and_enrolments(client, db):
    enrolment = db.scalars(select(Enrolment).order_by(Enrolment.id)).first()
    household = db.get(Household, enrolment.household_id)
    members = db.scalars(select(Person).where(Person.household_id == household.id)).all()
    programme = db.get(Programme, enrolment.programme_id)
    login(client, "operator")
    page = client.get(f"/households/show/{household.id}").data.decode()
    assert household.no_kk in page and "Kepala keluarga" in page
    assert all(member.nik in page and member.name in page for member in members)
    assert programme.name in page


def test_household_search_by_kk_and_dusun(client, db):
    household = db.scalars(select(Household).order_by(Household.id)).first()
    login(client, "operator")
    by_kk = client.get(f"/households/list/?_flt_0_no_kk={household.no_kk}").data.decode()
    assert f"/households/show/{household.id}\"" in by_kk and by_kk.count("/households/show/") == 1
    in_dusun = db.scalars(select(Household.id).where(Household.dusun == household.dusun)).all()
    by_dusun = client.get(f"/households/list/?_flt_0_dusun={household.dusun}&psize_HouseholdView=100").data.decode()
    assert by_dusun.count("/households/show/") == min(len(in_dusun), 100)


def test_person_list_columns_and_duplicate_flag(client, db):
    login(client, "auditor")
    page = client.get("/persons/list/").data.decode()
    for label in ("NIK", "Nama", "Jenis kelamin", "Tanggal lahir", "No. HP", "Calon duplikat"):
        assert f">{label}" in page or f"{label}<" in page
    assert "Tidak" in page


def test_admin_health_reports_database_and_broker(client):
    body = client.get("/health").get_json()
    assert body == {"service": "admin", "status": "ok", "database": "ok", "broker": "ok"}


def test_home_page_is_indonesian(client):
    client.get("/logout/")
    assert "Pengelolaan bantuan sosial Kabupaten Bangkalan" in client.get("/").data.decode()
    login(client, "operator")
    assert "impor data, kampanye SMS, dan laporan penerima" in client.get("/").data.decode()
