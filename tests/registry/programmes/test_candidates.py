"""Candidate lists from the rule, ranked by need; exclusions; hand edits with reasons; usul and sanggah."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from services.registry.models import AuditEntry, Candidate
from services.registry.programmes import candidates as cand
from services.registry.programmes.candidates import SelectionError
from tests.registry.village import TODAY, cycle, enrol, exclude, household, programme


@pytest.fixture
def setup(session):
    blt, source = programme(session, "BLTDD")
    pkh, _ = programme(session, "PKH")
    exclude(session, blt, pkh)  # configured one way, checked both ways
    homes = [household(session, n, band=1, rank=rank) for n, rank in ((1, 3), (2, 1), (3, 2))]
    rich = household(session, 4, band=9, rank=50)
    enrol(session, pkh, homes[2])
    c = cycle(session, blt, source, {"field": "band", "op": "le", "value": 2})
    session.commit()
    return c, homes, rich


def _listed(session, c):
    return session.scalars(select(Candidate).where(Candidate.cycle_id == c.id, Candidate.status == "aktif")
                           .order_by(Candidate.need_rank)).all()


def test_generated_from_rule_ranked_by_need_without_excluded_households(session, setup):
    c, homes, _ = setup
    assert cand.generate(session, c, "operator") == {"added": 2, "total": 2}
    listed = _listed(session, c)
    assert [x.household_id for x in listed] == [homes[1].id, homes[0].id]  # PKH household left out
    assert listed[0].snapshot["name"] == "Warga 2-0" and listed[0].snapshot["nik"] == "3526000000020000"
    assert c.status == "musyawarah"
    assert cand.generate(session, c, "operator")["added"] == 0  # running again adds nothing twice


def test_hand_edits_need_a_reason_respect_exclusions_and_are_audited(session, setup):
    c, homes, rich = setup
    cand.generate(session, c, "operator")
    with pytest.raises(SelectionError, match="Alasan wajib"):
        cand.add(session, c, rich, "  ", "operator")
    with pytest.raises(SelectionError, match="sudah menerima Program PKH"):
        cand.add(session, c, homes[2], "lansia sakit", "operator")
    added = cand.add(session, c, rich, "rumah terbakar bulan lalu", "operator")
    removed = cand.remove(session, _listed(session, c)[0], "pindah ke Surabaya", "operator")
    session.commit()
    assert added.source == "operator" and removed.status == "dihapus"
    audit = {e.action: e.details for e in session.scalars(select(AuditEntry))}
    assert audit["add_candidate"]["reason"] == "rumah terbakar bulan lalu"
    assert audit["remove_candidate"]["before"] == "aktif" and audit["remove_candidate"]["after"] == "dihapus"
    assert cand.generate(session, c, "operator")["added"] == 0  # a removed household is not re-added


def test_usul_and_sanggah_with_deadline_answer_and_overdue(session, setup, tmp_var):
    c, homes, rich = setup
    cand.generate(session, c, "operator")
    photo = cand.save_photo(b"\xff\xd8fake-jpeg", "rumah.jpg")
    sanggah = cand.record_feedback(session, c, homes[1], "sanggah", "warga RT 001", "punya mobil", "operator",
                                   received_on=TODAY, photo_path=photo, latitude=-7.16, longitude=112.72)
    usul = cand.record_feedback(session, c, rich, "usul", "Ketua RT 004", "suami meninggal", "operator",
                                received_on=TODAY - timedelta(days=20))
    session.commit()
    assert sanggah.due_on == TODAY + timedelta(days=14) and sanggah.candidate.household_id == homes[1].id
    assert str(tmp_var) in sanggah.photo_path
    assert usul.candidate is None  # a proposal about a household not (yet) on the list
    assert [f.id for f in cand.overdue(session, TODAY)] == [usul.id]
    cand.answer_feedback(session, usul, "sudah diverifikasi, diusulkan ke musdes", "operator")
    session.commit()
    assert cand.overdue(session, TODAY) == []
    assert cand.overdue(session, TODAY + timedelta(days=15))[0].id == sanggah.id


BAD_FEEDBACK = [
    ({"kind": "keluhan"}, "usul' atau 'sanggah"),
    ({"reason": ""}, "wajib diisi"),
    ({"latitude": -7.1}, "harus lengkap"),
    ({"latitude": 95.0, "longitude": 10.0}, "tidak sah"),
]


def test_bad_feedback_is_refused(session, setup):
    c, homes, _ = setup
    cand.generate(session, c, "operator")
    for kwargs, message in BAD_FEEDBACK:  # one database per backend for all cases: they only validate
        args = {"kind": "sanggah", "submitted_by": "warga", "reason": "alasan", **kwargs}
        with pytest.raises(SelectionError, match=message):
            cand.record_feedback(session, c, homes[1], args.pop("kind"), args.pop("submitted_by"),
                                 args.pop("reason"), "operator", **args)


def test_sanggah_against_a_non_candidate_and_bad_photo_are_refused(session, setup, tmp_var):
    c, _homes, rich = setup
    with pytest.raises(SelectionError, match="bukan calon"):
        cand.record_feedback(session, c, rich, "sanggah", "warga", "alasan", "operator", received_on=date.today())
    with pytest.raises(SelectionError, match="JPG, PNG"):
        cand.save_photo(b"MZ", "virus.exe")
