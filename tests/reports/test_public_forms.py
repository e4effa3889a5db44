"""Public complaint and survey forms: CSRF, validation, photo checks, rate limit, and the hand-over to the
registry through a real registry worker (SQLite + filesystem broker; PostgreSQL + real Redis)."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.db import make_engine
from services.registry import schema as registry_schema
from services.registry.models import AuditEntry, Complaint, SatisfactionCode, SatisfactionResponse
from services.reports import schema as reports_schema
from tests.conftest import wait_for
from tests.reports.public_data import fill_public_registry

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def stack(request, tmp_var, monkeypatch):
    """(app, ids, registry_url, env): the reports app on the registry of the chosen kind."""
    kind = getattr(request, "param", "sqlite")
    if kind == "sqlite":
        registry_url, reports_url, broker = (f"sqlite:///{tmp_var / 'registry.db'}",
                                             f"sqlite:///{tmp_var / 'reports.db'}", "filesystem://")
    else:
        pg = request.getfixturevalue("pg")
        registry_url, reports_url, broker = pg.create("registry"), pg.create("reports"), \
            request.getfixturevalue("redis_url")
    registry_schema.upgrade(registry_url)
    reports_schema.upgrade(reports_url)
    ids = fill_public_registry(registry_url)
    env = {"REGISTRY_DATABASE_URL": registry_url, "REGISTRY_READ_URL": registry_url,
           "REPORTS_DATABASE_URL": reports_url, "REPORTS_STORE": str(tmp_var / "reports"),
           "CELERY_BROKER_URL": broker, "REPORTS_PUBLIC_FORM_RATE": "3/hour"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    from services.reports.app import create_app

    app = create_app({"TESTING": True})
    yield app, ids, registry_url, env
    if "registry_read" in app.extensions:
        app.extensions["registry_read"].kw["bind"].dispose()


def _token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _complaint(client, **fields):
    data = {"csrf_token": _token(client, "/publik/pengaduan"), "category": "dipotong",
            "body": "Bantuan dipotong Rp50.000 oleh oknum", "location": "RT 001 RW 002", **fields}
    return client.post("/publik/pengaduan", data=data, content_type="multipart/form-data")


def _rows(url: str, model):
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(model)))
    finally:
        engine.dispose()


def test_post_without_csrf_token_is_refused(stack):
    app, *_ = stack
    response = app.test_client().post("/publik/pengaduan", data={"category": "lainnya", "body": "x" * 20})
    assert response.status_code == 400 and "belum terkirim" in response.get_data(as_text=True)


def test_photo_must_be_a_small_image(stack):
    app, *_ = stack
    client = app.test_client()
    fake = _complaint(client, photo=(io.BytesIO(b"MZ\x90\x00not an image"), "foto.jpg"))
    assert fake.status_code == 400 and "bukan foto" in fake.get_data(as_text=True)
    big = _complaint(client, photo=(io.BytesIO(PNG + b"\x00" * (2 * 1024 * 1024)), "besar.png"))
    assert big.status_code == 400 and "terlalu besar" in big.get_data(as_text=True)


def test_form_is_rate_limited(stack):
    app, *_ = stack
    client = app.test_client()
    codes = [_complaint(client, body="").status_code for _ in range(3)]  # invalid posts count too
    assert codes == [400, 400, 400]
    response = _complaint(client)
    assert response.status_code == 429 and "Terlalu banyak" in response.get_data(as_text=True)


@pytest.mark.parametrize("stack", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_complaint_reaches_registry_and_is_trackable(stack, processes, tmp_var):
    app, ids, registry_url, env = stack
    processes.celery_worker("services.registry.worker", "registry", env)
    client = app.test_client()
    response = _complaint(client, anonymous="y", phone="081234567890", photo=(io.BytesIO(PNG), "rumah.png"))
    assert response.status_code == 201
    code = re.search(r'id="kode">(ADU-[A-Z0-9]{8})<', response.get_data(as_text=True)).group(1)
    complaints = wait_for(lambda: _rows(registry_url, Complaint), timeout=60, message="pengaduan tercatat")
    stored = complaints[0]
    assert stored.tracking_code == code and stored.channel == "web" and stored.category == "dipotong"
    assert stored.anonymous and stored.phone is None  # anonymous: the number typed is not kept
    assert stored.photo_path.endswith(f"{code}.png") and (tmp_var / "reports" / "pengaduan" / f"{code}.png").exists()
    assert any(a.entity_id == code for a in _rows(registry_url, AuditEntry))
    page = client.get(f"/publik/lacak?kode={code.lower()}").get_data(as_text=True)
    assert "Diterima, menunggu diteruskan" in page
    assert "tidak ditemukan" in client.get("/publik/lacak?kode=ADU-ZZZZZZZZ").get_data(as_text=True)

    survey_path = f"/publik/survei/{ids.approved_cycle_id}"
    unknown = client.post(survey_path, data={"csrf_token": _token(client, survey_path), "code": "KUPON-0001",
                                             "score": "4"})
    assert unknown.status_code == 400 and "tidak dikenal" in unknown.get_data(as_text=True)
    engine = make_engine(registry_url)
    with Session(engine) as session:  # staff issued this code after the distribution
        session.add(SatisfactionCode(code="KS-PUBL1K23", cycle_id=ids.approved_cycle_id, issued_by="uji"))
        session.commit()
    engine.dispose()
    by_link = client.get("/publik/survei?kode=KS-PUBL1K23").get_data(as_text=True)
    assert 'value="KS-PUBL1K23"' in by_link and "Survei kepuasan:" in by_link
    sent = client.post(survey_path, data={"csrf_token": _token(client, survey_path), "code": "ks-publ1k23",
                                          "score": "4", "comment": "Tepat waktu"})
    assert sent.status_code == 201
    wait_for(lambda: _rows(registry_url, SatisfactionResponse), timeout=60, message="survei tercatat")
    answers = _rows(registry_url, SatisfactionResponse)
    assert [(a.code, a.score, a.cycle_id) for a in answers] == [("KS-PUBL1K23", 4, ids.approved_cycle_id)]
    again = client.post("/publik/survei", data={"csrf_token": _token(client, "/publik/survei"),
                                                "code": "KS-PUBL1K23", "score": "1"})
    assert again.status_code == 400 and "sudah dipakai" in again.get_data(as_text=True)
    assert client.get(f"/publik/survei/{ids.draft_cycle_id}").status_code == 404
