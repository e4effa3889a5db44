"""Reports screen: runs filtered to the user's programmes, downloads proxied only when visible."""
from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from tests.admin.stack import login, queued_tasks
from tests.admin.standins import StandIn, reports_routes
from tests.helpers.builders import programme


def run(run_id, programme, status, artifacts):
    return {"id": run_id, "run_key": f"run-{run_id}", "report": "programme_recipients", "programme_id": programme,
            "params": {"programme_id": programme}, "status": status, "requested_by": "operator",
            "created_at": "2026-11-29T00:00:00+00:00", "finished_at": None, "error": None, "artifacts": artifacts}


def artifact(artifact_id, fmt, content):
    return {"id": artifact_id, "format": fmt, "filename": f"laporan-{artifact_id}.{fmt}",
            "sha256": hashlib.sha256(content).hexdigest(), "size_bytes": len(content),
            "created_at": "2026-11-29T00:00:01+00:00"}


@pytest.fixture
def reports(stack, db):
    blt, sembako = programme(db, "BLT-DD-2026").id, programme(db, "SEMBAKO-CSR-2026").id
    files = {1: b"%PDF-1.4 blt", 2: b"PK blt xlsx", 3: b"%PDF-1.4 sembako", 4: b"PK sembako xlsx"}
    runs = [
        run(2, sembako, "selesai", [artifact(3, "pdf", files[3]), artifact(4, "xlsx", files[4])]),
        run(1, blt, "selesai", [artifact(1, "pdf", files[1]), artifact(2, "xlsx", files[2])]),
    ]
    server = StandIn(reports_routes(runs, files))
    stack.app.config["REPORTS_API_URL"] = server.url
    yield {"blt": blt, "sembako": sembako, "files": files, "runs": runs, "server": server}
    server.close()


def test_partner_lists_only_own_programme_runs(client, reports):
    login(client, "mitra_lsm")
    page = client.get("/reports/").data.decode()
    pdf_links = re.findall(r'class="download-pdf[^"]*"\s+href="([^"]+)"', page)
    xlsx_links = re.findall(r'class="download-xlsx[^"]*"\s+href="([^"]+)"', page)
    assert pdf_links == ["/reports/artifacts/1/download"] and xlsx_links == ["/reports/artifacts/2/download"]
    assert hashlib.sha256(reports["files"][1]).hexdigest() in page
    assert hashlib.sha256(reports["files"][3]).hexdigest() not in page
    # Only the partner's own programmes are asked for (other tests of the shared stack may add more of them).
    asked = [params["programme_id"] for path, params in reports["server"].seen if path == "/api/runs"]
    assert asked and str(reports["blt"]) in asked[-1] and str(reports["sembako"]) not in asked[-1]
    assert 'id="request-report"' not in page  # partners read, they do not order reports


def test_partner_download_proxy_refuses_other_partners_artifact(client, reports):
    login(client, "mitra_lsm")
    own = client.get("/reports/artifacts/1/download")
    assert own.status_code == 200 and own.data == reports["files"][1]
    assert "laporan-1.pdf" in own.headers["Content-Disposition"]
    assert client.get("/reports/artifacts/3/download").status_code == 404
    assert client.get("/reports/artifacts/99/download").status_code == 404
    # The foreign file was never fetched from the reports service.
    assert not any(path == "/api/artifacts/3/download" for path, _ in reports["server"].seen)
    login(client, "mitra_csr")
    assert client.get("/reports/artifacts/3/download").data == reports["files"][3]
    assert client.get("/reports/artifacts/1/download").status_code == 404


def test_auditor_reads_all_runs_and_downloads_but_cannot_request(client, reports, stack):
    stack.flush_broker()
    login(client, "auditor")
    page = client.get("/reports/").data.decode()
    assert "/reports/artifacts/1/download" in page and "/reports/artifacts/3/download" in page
    assert client.get("/reports/artifacts/4/download").data == reports["files"][4]
    assert client.post("/reports/request", data={"programme_id": reports["blt"]}).status_code == 403
    assert queued_tasks(stack.broker, stack.var, "reports") == []


def test_operator_requests_pdf_and_xlsx_report(client, reports, stack):
    stack.flush_broker()
    login(client, "operator")
    page = client.get("/reports/").data.decode()
    assert 'name="programme_id"' in page and 'id="request-report"' in page
    response = client.post("/reports/request", data={"programme_id": reports["blt"]})
    assert response.status_code == 302
    waiting_page = client.get(response.headers["Location"]).data.decode()
    tasks = queued_tasks(stack.broker, stack.var, "reports")
    assert len(tasks) == 1 and tasks[0][0] == "reports.generate"
    payload = tasks[0][1]["payload"]
    assert payload["report"] == "programme_recipients" and payload["params"] == {"programme_id": reports["blt"]}
    assert payload["formats"] == ["pdf", "xlsx"] and payload["requested_by"] == "operator"
    assert payload["run_key"].startswith("admin-")
    # Until the reports worker has recorded the run, the page keeps polling for it.
    assert f"menunggu={payload['run_key']}" in response.headers["Location"] and "/reports/runs.json" in waiting_page
    assert client.get(f"/reports/runs.json?menunggu={payload['run_key']}").get_json()["pending"] is True
    assert client.get("/reports/runs.json").get_json()["pending"] is False
    stack.flush_broker()


def test_pending_run_makes_the_page_refresh(client, reports):
    reports["runs"].insert(0, run(3, reports["blt"], "antre", []))
    login(client, "operator")
    page = client.get("/reports/").data.decode()
    assert "/reports/runs.json" in page
    assert client.get("/reports/runs.json").get_json()["pending"] is True


def organisation_id(db, name):
    from services.registry.models import Organisation

    return db.scalars(select(Organisation.id).where(Organisation.name == name)).one()


@pytest.fixture
def periodic(reports, db):
    """Village, kabupaten and one quarterly report per partner beside the recipient lists."""
    lsm, csr = organisation_id(db, "Yayasan Madura Sejahtera"), organisation_id(db, "PT Garam Bangkalan Lestari")
    files = {10: b"%PDF desa", 11: b"\x89PNG desa", 12: b"%PDF lsm", 13: b"%PDF csr", 14: b"%PDF kabupaten"}
    reports["files"].update(files)

    def periodic_run(run_id, kind, period, organisation, artifacts):
        return {**run(run_id, None, "selesai", artifacts), "report": kind, "period": period,
                "organisation_id": organisation, "params": {"period": period}, "figures_sha256": "f" * 64,
                "figures": {"period_label": "Oktober 2026", "summary": [
                    ["Tersalur periode ini", 1_150_000, "rupiah"], ["Penerima periode ini (KK)", 4, "jumlah"],
                    ["Tersalur s.d. akhir periode", 2_000_000, "rupiah"], ["Serapan anggaran", 20.5, "persen"]]}}

    reports["runs"][:0] = [
        periodic_run(20, "realisasi_bulanan", "2026-10", None, [artifact(10, "pdf", files[10]),
                                                               artifact(11, "png", files[11])]),
        periodic_run(21, "mitra_triwulan", "2026-Q3", lsm, [artifact(12, "pdf", files[12])]),
        periodic_run(22, "mitra_triwulan", "2026-Q3", csr, [artifact(13, "pdf", files[13])]),
        periodic_run(23, "tahunan_kabupaten", "2025", None, [artifact(14, "pdf", files[14])]),
    ]
    return {**reports, "lsm": lsm, "csr": csr}


def test_partner_sees_only_its_own_partner_report(client, periodic):
    login(client, "mitra_lsm")
    page = client.get("/reports/").data.decode()
    links = set(re.findall(r'href="(/reports/artifacts/\d+/download)"', page))
    assert links == {"/reports/artifacts/1/download", "/reports/artifacts/2/download",
                     "/reports/artifacts/12/download"}
    assert "Laporan triwulan mitra" in page and "Realisasi bulanan desa" not in page
    asked = [params for path, params in periodic["server"].seen if path == "/api/runs"][-1]
    assert asked["organisation_id"] == [str(periodic["lsm"])]
    assert client.get("/reports/artifacts/12/download").data == periodic["files"][12]
    for foreign in (10, 11, 13, 14):  # village, its chart, the other partner's, the kabupaten's
        assert client.get(f"/reports/artifacts/{foreign}/download").status_code == 404
    assert client.post("/reports/runs/20/post", data={"targets": ["facebook"]}).status_code == 403
    login(client, "mitra_csr")
    assert client.get("/reports/artifacts/13/download").data == periodic["files"][13]
    assert client.get("/reports/artifacts/12/download").status_code == 404


def test_operator_requests_each_periodic_kind(client, periodic, stack):
    stack.flush_broker()
    login(client, "operator")
    page = client.get("/reports/").data.decode()
    assert 'value="mitra_triwulan"' in page and "Posting ke media sosial" in page
    asked = [
        {"report": "realisasi_bulanan", "period": "2026-10"},
        {"report": "mitra_triwulan", "period": "2026-q3", "organisation_id": periodic["csr"]},
        {"report": "tahunan_kabupaten", "period": "2025"},
    ]
    for form in asked:
        assert client.post("/reports/request", data=form).status_code == 302
    payloads = [kwargs["payload"] for name, kwargs in queued_tasks(stack.broker, stack.var, "reports")]
    assert [(p["report"], p["params"]) for p in payloads] == [
        ("realisasi_bulanan", {"period": "2026-10"}),
        ("mitra_triwulan", {"period": "2026-Q3", "organisation_id": periodic["csr"]}),
        ("tahunan_kabupaten", {"period": "2025"})]
    assert all(p["formats"] == ["pdf", "xlsx", "csv"] and p["requested_by"] == "operator" for p in payloads)
    stack.flush_broker()
    refused = [({"report": "realisasi_bulanan", "period": "Oktober"}, "YYYY-MM"),
               ({"report": "mitra_triwulan", "period": "2026-Q3"}, "Pilih lembaga mitra"),
               ({"report": "tahunan_kabupaten", "period": "2026-10"}, "YYYY")]
    for form, reason in refused:
        follow = client.post("/reports/request", data=form, follow_redirects=True).data.decode()
        assert reason in follow
    assert queued_tasks(stack.broker, stack.var, "reports") == []


def test_operator_posts_monthly_report_to_social_pages(client, periodic, stack):
    stack.flush_broker()
    stack.app.config["REPORTS_PUBLIC_BASE_URL"] = "https://transparansi.desakamal.example"
    login(client, "operator")
    try:
        response = client.post("/reports/runs/20/post", data={"targets": ["instagram", "facebook"]})
        assert response.status_code == 302
        tasks = queued_tasks(stack.broker, stack.var, "notifications")
        assert [name for name, _ in tasks] == ["notifications.post_social"]
        payload = tasks[0][1]["payload"]
        assert payload["post_key"] == "laporan-20-facebook-instagram"
        assert payload["targets"] == ["facebook", "instagram"] and payload["requested_by"] == "operator"
        assert payload["image_url"] == "https://transparansi.desakamal.example/publik/laporan/20/grafik.png"
        assert payload["link"] == "https://transparansi.desakamal.example/publik/"
        text = payload["text"]
        assert "Oktober 2026" in text and "Rp1.150.000" in text and "4 keluarga" in text
        stack.flush_broker()
        # Only the monthly village report goes public, never a partner's or the kabupaten's.
        follow = client.post("/reports/runs/21/post", data={"targets": ["facebook"]}, follow_redirects=True)
        assert "Hanya laporan realisasi bulanan" in follow.data.decode()
        assert queued_tasks(stack.broker, stack.var, "notifications") == []
        login(client, "auditor")
        assert client.post("/reports/runs/20/post", data={"targets": ["facebook"]}).status_code == 403
    finally:
        stack.app.config["REPORTS_PUBLIC_BASE_URL"] = ""
        stack.flush_broker()
