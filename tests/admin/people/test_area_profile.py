"""The village profile screen: the operator and the kepala desa edit their desa's head, office, SMS sender
and logo (audited); codes and names stay the Kemendagri list's; a bad sender name is refused."""
from __future__ import annotations

from sqlalchemy import select

from services.registry.models import Area, AuditEntry
from tests.admin.stack import login

KAMAL = "35.26.04.2001"


def test_operator_edits_the_village_profile_and_it_is_audited(client, db):
    kamal = db.scalar(select(Area).where(Area.code == KAMAL))
    login(client, "operator")
    listing = client.get("/area-profile/list/").get_data(as_text=True)
    assert "Profil Desa" in listing and KAMAL in listing, listing[-3000:]
    assert ">35.26<" not in listing and ">35.26.04<" not in listing  # only villages have a profile here
    form = {"head_title": "Kepala Desa", "head_name": "H. Abdul Karim", "address": "Jl. Raya Kamal 1",
            "phone": "031-3011000", "email": "desa@kamal.example", "sms_sender": "DESAKAMAL", "logo_path": ""}
    answer = client.post(f"/area-profile/edit/{kamal.id}", data=form)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:800]
    db.expire_all()
    kamal = db.get(Area, kamal.id)
    assert (kamal.head_name, kamal.sms_sender, kamal.name, kamal.code) == ("H. Abdul Karim", "DESAKAMAL", "Kamal", KAMAL)
    entry = db.scalar(select(AuditEntry).where(AuditEntry.entity == "area").order_by(AuditEntry.id.desc()))
    assert entry is not None and entry.actor == "operator" and "head_name" in str(entry.details)
    refused = client.post(f"/area-profile/edit/{kamal.id}", data={**form, "sms_sender": "Desa Kamal Jaya!"})
    assert refused.status_code == 200 and "Nama pengirim SMS: 1-11 huruf atau angka" in refused.get_data(as_text=True)
    db.expire_all()
    assert db.get(Area, kamal.id).sms_sender == "DESAKAMAL"


def test_partners_do_not_see_the_profile(client):
    login(client, "mitra_lsm")
    assert client.get("/area-profile/list/").status_code in (302, 403)


def test_roster_upload_names_its_desa_or_is_refused(client, db, tmp_path):
    from services.registry.cli.demo.roster import roster_rows, write_roster
    from services.registry.models import ImportJob

    roster = write_roster(tmp_path / "keluarga.csv", roster_rows(2, 0, seed=3))
    login(client, "operator")

    def upload(code):
        with open(roster, "rb") as handle:
            return client.post("/imports/upload", data={"roster": (handle, roster.name), "area_code": code},
                               content_type="multipart/form-data")

    refused = upload("35.26.99.2001")
    assert refused.status_code == 200 and "tidak dikenal atau di luar wilayah Anda" in refused.get_data(as_text=True)
    accepted = upload(KAMAL)
    assert accepted.status_code == 302
    job = db.get(ImportJob, int(accepted.headers["Location"].rsplit("/", 1)[1]))
    assert job.area_id == db.scalar(select(Area.id).where(Area.code == KAMAL))
