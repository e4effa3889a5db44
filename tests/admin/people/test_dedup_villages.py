"""A dedup case across two villages on the case screen: the other village's member masked, its village
named, no address; only the reviewer's own member can be kept or moved."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.privacy import mask_nik
from services.registry.core.areas import read_codes, upsert
from services.registry.models import Area, DedupCluster, DedupMember, Household
from services.registry.people.dedup.store import run_dedup
from tests.admin.stack import login
from tests.registry.people.dedup_data import add_household, nik

GILI = "35.26.04.2005"


def test_the_other_villages_member_is_masked_and_cannot_be_merged_from_here(stack, client, db):
    engine = stack.app.extensions["database"].engine
    born = date(1899, 6, 7)
    shared = nik(born, "L", 9911)
    with Session(engine) as session:
        upsert(session, read_codes(f"kode,nama\n35,JAWA TIMUR\n35.26,KABUPATEN BANGKALAN\n35.26.04,KAMAL\n"
                                   f"{GILI},GILI ANYAR\n"))
        gili = session.scalar(select(Area.id).where(Area.code == GILI))
        kamal_home = add_household(session, 990_001, [{"name": "Moh. Hasyim", "birth": born, "nik": shared}])
        gili_home = add_household(session, 990_002, [{"name": "Mohammad Hasyim", "birth": born, "nik": shared}])
        gili_home.area_id = gili
        session.commit()
        run_dedup(session, "penguji")
        case_id = session.execute(select(DedupCluster.id).join(DedupMember).where(
            DedupMember.name == "Mohammad Hasyim", DedupCluster.status == "terbuka")).scalar_one()
        kamal_kk, kamal_address = kamal_home.no_kk, kamal_home.address
    login(client, "operator_gilianyar")  # scoped to Desa Gili Anyar by the request, as in production
    page = client.get(f"/dedup/{case_id}").get_data(as_text=True)
    refused = client.post(f"/dedup/{case_id}/decide", data={"action": "merge", "survivor_id": 1},
                          follow_redirects=True).get_data(as_text=True)
    assert "case-across-villages" in page and "Gili Anyar" in page and "Kamal" in page
    assert page.count(shared) == 1 and mask_nik(shared) in page  # own member in full, the other masked
    assert kamal_kk not in page and kamal_address not in page
    assert page.count('name="survivor_id"') == 1 and "Mohammad Hasyim" in page
    assert "juga menyangkut Desa Kamal" in refused
    assert db.scalar(select(Household.id).where(Household.no_kk == kamal_kk)) is not None
