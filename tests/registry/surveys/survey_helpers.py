"""Helpers of the survey tests: a few households in two desa, the shipped instruments, answer builders."""
from __future__ import annotations

from sqlalchemy.orm import Session

from services.registry.models import Household
from services.registry.surveys.instruments import active_instrument, load_shipped_instruments

BPS_CODES = ("k01_luas_lantai", "k02_jenis_lantai", "k03_jenis_dinding", "k04_jamban", "k05_listrik",
             "k06_air_minum", "k07_bahan_bakar", "k08_konsumsi_daging", "k09_pakaian", "k10_frekuensi_makan",
             "k11_biaya_berobat", "k12_pekerjaan_kepala", "k13_pendidikan_kepala", "k14_aset")


def kk(number: int) -> str:
    return f"352601010126{number:04d}"


def bps_answers(yes: int) -> dict:
    """The first ``yes`` criteria met, the rest not."""
    return {code: ("ya" if i < yes else "tidak") for i, code in enumerate(BPS_CODES)}


def add_households(session: Session, count: int, desa: str = "Kamal", start: int = 1) -> list[Household]:
    households = [Household(no_kk=kk(n), desa=desa, dusun="Pesisir", rt="001", rw="002")
                  for n in range(start, start + count)]
    session.add_all(households)
    session.commit()
    return households


def setup_registry(session: Session, count: int = 6):
    load_shipped_instruments(session)
    households = add_households(session, count)
    return households, active_instrument(session, "BPS14"), active_instrument(session, "KEBUTUHAN-DESA")
