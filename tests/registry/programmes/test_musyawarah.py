"""Musyawarah: quorum, decisions with reasons, berita acara PDF and the BNBA list (XLSX/CSV)."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from services.registry.programmes import approval, documents
from services.registry.programmes import musyawarah as mus
from services.registry.programmes.candidates import SelectionError
from tests.registry.village import ATTENDEES, TODAY, cycle, household, programme


@pytest.fixture
def meeting_setup(session):
    prog, source = programme(session)
    homes = [household(session, n, band=1, rank=n) for n in (1, 2, 3)]
    outsider = household(session, 9, band=7, rank=40)
    c = cycle(session, prog, source, {"field": "band", "op": "eq", "value": 1})
    from services.registry.programmes import candidates as cand

    cand.generate(session, c, "operator")
    meeting = mus.record_meeting(session, c, "musdesus", TODAY, "Balai Desa Kamal", "Siti Aminah", ATTENDEES, "bpd")
    session.commit()
    return c, meeting, homes, outsider


def test_quorum_is_two_thirds_of_invitees_by_default(session, meeting_setup, monkeypatch):
    _c, meeting, *_ = meeting_setup
    assert mus.quorum(meeting) == {"invited": 4, "present": 3, "required": 3, "ok": True}
    monkeypatch.setenv("MUSYAWARAH_QUORUM", "4/5")
    assert mus.quorum(meeting)["ok"] is False


def test_decisions_need_reasons_and_an_added_household_joins_the_list(session, meeting_setup):
    c, meeting, homes, outsider = meeting_setup
    mus.decide(session, meeting, homes[0], "disetujui", None, "bpd")
    with pytest.raises(SelectionError, match="Alasan wajib"):
        mus.decide(session, meeting, homes[1], "ditolak", "", "bpd")
    mus.decide(session, meeting, homes[1], "ditolak", "masih punya sawah 1 ha", "bpd")
    with pytest.raises(SelectionError, match="bukan calon"):
        mus.decide(session, meeting, outsider, "disetujui", None, "bpd")
    mus.decide(session, meeting, outsider, "ditambahkan", "lansia tinggal sendiri, usul RT", "bpd")
    session.commit()
    assert mus.final_household_ids(session, meeting) == sorted([homes[0].id, outsider.id])


def _pdf_text(data: bytes) -> str:
    """Text of every page, whitespace folded (table cells wrap long reasons over lines)."""
    return " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_berita_acara_pdf_and_bnba_files(session, meeting_setup):
    c, meeting, homes, outsider = meeting_setup
    mus.decide(session, meeting, homes[0], "disetujui", None, "bpd")
    mus.decide(session, meeting, homes[1], "ditolak", "masih punya sawah 1 ha", "bpd")
    mus.decide(session, meeting, outsider, "ditambahkan", "lansia tinggal sendiri", "bpd")
    session.commit()
    internal = _pdf_text(documents.berita_acara_pdf(session, meeting))
    for expected in ("BERITA ACARA MUSYAWARAH DESA KHUSUS", "Balai Desa Kamal", "Hadir 3 dari 4", "KUORUM TERPENUHI",
                     "H. Moh. Rasyid", "Tidak hadir", "3526000000010000", "DITOLAK", "masih punya sawah",
                     "DITAMBAHKAN", "Jumlah KPM ditetapkan: 2", "Rp600.000"):
        assert expected in internal, expected
    public = _pdf_text(documents.berita_acara_pdf(session, meeting, internal=False))
    assert "3526000000010000" not in public and "0000" in public and "Salinan publik" in public
    assert "Jl. Raya Kamal" not in public  # never full name with full address in a public copy

    sheet = load_workbook(io.BytesIO(documents.bnba_xlsx(session, meeting))).active
    rows = list(sheet.values)
    assert rows[0][:4] == ("NO", "NIK", "NO_KK", "NAMA")
    assert rows[1][1] == "3526000000010000" and rows[1][11] == "DISETUJUI" and rows[1][10] == 300000
    assert len(rows) == 4
    text = documents.bnba_csv(session, meeting).decode("utf-8-sig").splitlines()
    assert text[0].startswith("NO;NIK;NO_KK;NAMA") and "DITAMBAHKAN" in text[3]


def test_approval_needs_a_quorate_deciding_meeting(session, meeting_setup, monkeypatch):
    c, meeting, homes, _ = meeting_setup
    with pytest.raises(SelectionError, match="belum menetapkan"):
        approval.approve(session, c, "kepala_desa")
    mus.decide(session, meeting, homes[0], "disetujui", None, "bpd")
    monkeypatch.setenv("MUSYAWARAH_QUORUM", "1/1")
    with pytest.raises(SelectionError, match="tidak kuorum: hadir 3 dari 4, minimal 4"):
        approval.approve(session, c, "kepala_desa")


def test_approve_remaining_decides_only_the_undecided_active_candidates(session, meeting_setup):
    c, meeting, homes, _ = meeting_setup
    mus.decide(session, meeting, homes[1], "ditolak", "mampu", "bpd")
    assert mus.approve_remaining(session, meeting, "bpd") == 2
    assert mus.approve_remaining(session, meeting, "bpd") == 0
    session.commit()
    assert mus.final_household_ids(session, meeting) == sorted([homes[0].id, homes[2].id])
