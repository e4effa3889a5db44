"""The public site of every village: each desa's pages show only its own recipients, the kabupaten and
kecamatan pages show totals only (counts under five hidden), the old addresses lead to the default desa,
and nothing says "Desa Kamal" on Gili Anyar's pages, posters or forms."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.common.db import make_engine
from services.registry.core.areas import shipped_codes, upsert
from services.registry.models import Area, Cycle, Entitlement, Household, Person, Programme
from tests.reports.conftest import migrated_databases
from tests.reports.public_data import NAMES, fill_public_registry

KAMAL, GILI = "35.26.04.2001", "35.26.04.2005"
GILI_NAMES = ["ZAINAL ARIFIN", "SUMIATI RAHAYU", "HOLIFAH", "MARZUKI"]


def fill_gili_anyar(url: str) -> tuple[int, int]:
    """All of Bangkalan's areas, and Gili Anyar's own programme with 4 recipients (fewer than five)."""
    engine = make_engine(url)
    with Session(engine) as session:
        upsert(session, shipped_codes())
        gili = session.scalar(select(Area).where(Area.code == GILI))
        gili.head_name, gili.address, gili.phone = "H. Moh. Rofi'i", "Jl. Raya Gili Anyar 1", "031-3011111"
        programme = Programme(code="BLT-DD-2027", name="BLT Dana Desa Gili Anyar 2027", kind="tunai",
                              benefit_amount=Decimal("300000"), status="aktif", area_id=gili.id)
        cycle = Cycle(programme=programme, name="Januari 2027", status="disetujui", period_start=date(2027, 1, 1),
                      period_end=date(2027, 1, 31), approved_by="kades_gili")
        session.add_all([programme, cycle])
        for i, name in enumerate(GILI_NAMES):
            household = Household(no_kk=f"35260405032000{i:02d}", rt="001", rw="001", dusun="Pesisir",
                                  desa="Gili Anyar", area_id=gili.id)
            person = Person(nik=f"35260405038{i:05d}", name=name, sex="L", birth_date=date(1980, 1, 1))
            household.members.append(person)
            session.add(household)
            session.flush()
            session.add(Entitlement(cycle=cycle, programme=programme, household=household, recipient=person,
                                    amount=Decimal("300000"), status="disalurkan",
                                    snapshot={"name": name, "nik": person.nik, "rt": "001", "rw": "001",
                                              "dusun": "Pesisir"}))
        session.commit()
        ids = programme.id, cycle.id
    engine.dispose()
    return ids


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def villages(request, tmp_var):
    from services.reports.app import create_app

    registry_url, reports_url = migrated_databases(request, tmp_var)
    kamal = fill_public_registry(registry_url)
    gili = fill_gili_anyar(registry_url)
    app = create_app({"DATABASE_URL": reports_url, "REGISTRY_READ_URL": registry_url, "TESTING": True,
                      "REPORTS_STORE": str(tmp_var / "reports"), "SERVICE_TOKEN": "rahasia-uji",
                      "CELERY_BROKER_URL": "memory://", "PUBLIC_CACHE_SECONDS": 0,
                      "REPORTS_PUBLIC_BASE_URL": "https://bansos.bangkalankab.example"})
    yield app, kamal, gili, registry_url
    if "registry_read" in app.extensions:
        app.extensions["registry_read"].kw["bind"].dispose()


def short(name: str) -> str:
    from services.reports.public.data import short_name

    return short_name(name)


def test_each_village_page_shows_only_its_own_programmes_and_recipients(villages):
    app, kamal, (gili_programme, gili_cycle), _ = villages
    client = app.test_client()
    gili_home = client.get(f"/publik/{GILI}/").get_data(as_text=True)
    assert "BLT Dana Desa Gili Anyar 2027" in gili_home and "BLT Dana Desa 2027<" not in gili_home
    assert "Transparansi Bantuan Sosial Desa Gili Anyar" in gili_home
    gili_list = client.get(f"/publik/{GILI}/siklus/{gili_cycle}").get_data(as_text=True)
    assert all(short(n) in gili_list for n in GILI_NAMES)
    assert not any(short(n) in gili_list for n in NAMES)
    kamal_list = client.get(f"/publik/{KAMAL}/siklus/{kamal.approved_cycle_id}").get_data(as_text=True)
    assert short(NAMES[0]) in kamal_list and not any(short(n) in kamal_list for n in GILI_NAMES)
    # Another village's cycle, programme or poster through this village's address: not found.
    assert client.get(f"/publik/{GILI}/siklus/{kamal.approved_cycle_id}").status_code == 404
    assert client.get(f"/publik/{GILI}/program/{kamal.programme_id}").status_code == 404
    assert client.get(f"/publik/{KAMAL}/siklus/{gili_cycle}/poster-a4.pdf").status_code == 404
    assert client.get("/publik/35.26.04.2099/").status_code == 404  # no such desa
    assert client.get(f"/publik/35.26.04/siklus/{gili_cycle}").status_code == 404  # lists belong to a desa


def test_a_kabupaten_programme_shows_each_village_only_its_households(villages, tmp_var):
    app, kamal, (gili_programme, gili_cycle), registry_url = villages
    engine = make_engine(registry_url)
    with Session(engine) as session:  # the Kamal programme becomes the kabupaten's, spanning both villages
        kabupaten = session.scalar(select(Area.id).where(Area.code == "35.26"))
        session.execute(update(Programme).where(Programme.id == kamal.programme_id).values(area_id=kabupaten))
        session.execute(update(Entitlement).where(Entitlement.cycle_id == gili_cycle)  # one cycle for both
                        .values(cycle_id=kamal.approved_cycle_id, programme_id=kamal.programme_id))
        session.commit()
    engine.dispose()
    client = app.test_client()
    gili_page = client.get(f"/publik/{GILI}/program/{kamal.programme_id}").get_data(as_text=True)
    kamal_list = client.get(f"/publik/{KAMAL}/siklus/{kamal.approved_cycle_id}").get_data(as_text=True)
    gili_list = client.get(f"/publik/{GILI}/siklus/{kamal.approved_cycle_id}").get_data(as_text=True)
    assert "Pesisir" in gili_page and "Dusun Krajan" not in gili_page
    assert short(NAMES[0]) in kamal_list and not any(short(n) in kamal_list for n in GILI_NAMES)
    assert all(short(n) in gili_list for n in GILI_NAMES) and not any(short(n) in gili_list for n in NAMES)
    assert "<dt>Penerima</dt><dd>4</dd>" in gili_list  # the village's own count, not the kabupaten's 11


def test_kabupaten_index_lists_every_village_with_totals_and_hides_small_counts(villages):
    app, *_ = villages
    client = app.test_client()
    page = client.get("/publik/").get_data(as_text=True)
    assert "Bantuan sosial Kabupaten Bangkalan" in page
    assert page.count('href="/publik/35.26.') >= 281 + 18  # every desa and kecamatan has its page
    assert '<a href="/publik/35.26.04.2001/">Desa Kamal</a>' in page
    assert '<a href="/publik/35.26.01.1005/">Kelurahan Kraton</a>' in page
    # Kamal: 7 recipients, Rp1.200.000 disbursed; Gili Anyar: 4 recipients, so neither count nor money shown.
    kamal_row = page.split('<a href="/publik/35.26.04.2001/">Desa Kamal</a>')[1].split("</tr>")[0]
    gili_row = page.split('<a href="/publik/35.26.04.2005/">Desa Gili Anyar</a>')[1].split("</tr>")[0]
    assert '<td class="num">7</td>' in kamal_row and "Rp1.200.000" in kamal_row
    assert "&lt; 5" in gili_row and "Rp" not in gili_row and "1.200.000" not in gili_row
    assert not any(short(n) in page for n in NAMES + GILI_NAMES)
    kecamatan = client.get("/publik/35.26.04/").get_data(as_text=True)
    assert "Bantuan sosial Kecamatan Kamal" in kecamatan and "Desa Tanjung Jati" in kecamatan
    assert "<dt>Keluarga penerima</dt><dd>11</dd>" in kecamatan  # 7 + 4: the kecamatan total is shown
    assert "Desa Sembilangan" not in kecamatan  # Kecamatan Bangkalan's


def test_old_addresses_lead_to_the_default_desa(villages):
    app, kamal, *_ = villages
    client = app.test_client()
    moved = client.get(f"/publik/siklus/{kamal.approved_cycle_id}?hal=1")
    assert moved.status_code == 301 and moved.location.endswith(f"/publik/{KAMAL}/siklus/{kamal.approved_cycle_id}?hal=1")
    poster = client.get(f"/publik/siklus/{kamal.approved_cycle_id}/poster-a4.pdf")
    assert poster.location.endswith(f"/publik/{KAMAL}/siklus/{kamal.approved_cycle_id}/poster-a4.pdf")
    assert client.get(f"/publik/program/{kamal.programme_id}").location.endswith(
        f"/publik/{KAMAL}/program/{kamal.programme_id}")
    assert client.get("/publik/pengaduan").status_code == 200  # forms keep answering where they were


def test_gili_anyar_pages_poster_and_forms_never_say_desa_kamal(villages):
    from pypdf import PdfReader

    app, _kamal, (gili_programme, gili_cycle), _ = villages
    client = app.test_client()
    for path in (f"/publik/{GILI}/", f"/publik/{GILI}/program/{gili_programme}", f"/publik/{GILI}/siklus/{gili_cycle}",
                 f"/publik/{GILI}/pengaduan", f"/publik/{GILI}/lacak", f"/publik/{GILI}/survei/{gili_cycle}"):
        page = client.get(path).get_data(as_text=True)
        assert "Kamal" not in page.replace("Kecamatan Kamal", ""), path
        assert "Desa Gili Anyar" in page, path
    home = client.get(f"/publik/{GILI}/").get_data(as_text=True)
    assert "Jl. Raya Gili Anyar 1" in home and "031-3011111" in home
    pdf = PdfReader(io.BytesIO(client.get(f"/publik/{GILI}/siklus/{gili_cycle}/poster-a4.pdf").data))
    assert pdf.metadata.author == "Pemerintah Desa Gili Anyar"
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "PEMERINTAH DESA GILI ANYAR" in text and "Kamal" not in text
    assert f"https://bansos.bangkalankab.example/publik/{GILI}/siklus/{gili_cycle}" in "".join(text.split())


def test_a_complaint_from_a_village_page_carries_the_village(villages, monkeypatch):
    from services.reports.public import site

    app, *_ = villages
    sent = []
    monkeypatch.setattr(site, "send", lambda _celery, task, payload: sent.append((task, payload)))
    client = app.test_client()
    page = client.get(f"/publik/{GILI}/pengaduan").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    answer = client.post(f"/publik/{GILI}/pengaduan", data={"csrf_token": token, "category": "dipotong",
                                                             "body": "Bantuan dipotong oleh oknum dusun.",
                                                             "anonymous": "y"})
    assert answer.status_code == 201, answer.get_data(as_text=True)
    assert sent[0][0] == "registry.record_complaint" and sent[0][1]["area_code"] == GILI
