"""Known registry data for the periodic reports: two programmes, three organisations, dated ledger entries.

October 2026 (Jakarta time), what the expected figures below are computed from:
- BLT-DD (Dana Desa, budget Rp3.600.000, runs: the LSM): cycle approved 1 Oct, 4 households x Rp300.000;
  paid hh0 and hh1 on 10 Oct and hh2 at 30 Sep 18:00 UTC = 1 Oct 01:00 WIB (so October, not September).
- SEMBAKO (CSR source Rp2.000.000, funded by the CSR): cycle approved 2 Oct, 2 households x Rp250.000;
  hh4 collected on 20 Oct.
- Dusun: even households Krajan, odd ones Tlaga (from the approval snapshot).
- The CSR also ran a training (session 12 Oct, one present, one completed 20 Oct), gave a capital grant
  (Rp1.000.000 on 1 Nov) and got one training follow-up (15 Nov, Rp1.500.000, own business)."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from unittest import mock

from sqlalchemy.orm import Session

from services.common.db import make_engine
from services.registry.distribution import ledger
from services.registry.models import (
    CapitalDisbursement,
    CapitalGrant,
    Cycle,
    CyclePlan,
    Entitlement,
    FundingSource,
    Household,
    Organisation,
    Person,
    Programme,
    ProgrammePartner,
    Training,
    TrainingAttendance,
    TrainingEnrolment,
    TrainingFollowUp,
    TrainingSession,
)

DUSUN = ("Krajan", "Tlaga")
FULL_NIKS = [f"35260141{i:02d}900{i:03d}" for i in range(6)]
JAN = datetime(2026, 1, 1, tzinfo=UTC)

EXPECTED_OCTOBER = {
    "summary": {"Anggaran": 5_600_000, "Disetujui": 1_700_000, "Tersalur periode ini": 1_150_000,
                "Tersalur s.d. akhir periode": 1_150_000, "Penerima periode ini (KK)": 4,
                "Terikat (belum tersalur)": 550_000, "Serapan anggaran": 20.5},
    "dusun": [["35.26.04.2001", "Kamal", "Krajan", 3, 850_000], ["35.26.04.2001", "Kamal", "Tlaga", 1, 300_000]],
}


def _at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def append_at(session: Session, moment: datetime, **kwargs):
    """A ledger entry stamped ``moment`` (the ledger takes its time from utcnow; the hash covers it)."""
    with mock.patch("services.registry.distribution.ledger.utcnow", return_value=moment):
        return ledger.append(session, actor="uji", **kwargs)


def fill_periodic_registry(url: str) -> dict:
    engine = make_engine(url)
    ids: dict = {}
    with Session(engine) as session:
        desa = Organisation(name="Pemerintah Desa Kamal", kind="desa")
        lsm = Organisation(name="Yayasan Madura Sejahtera", kind="lsm")
        csr = Organisation(name="PT Garam Bangkalan Lestari", kind="csr")
        blt = Programme(code="BLT-DD-2026", name="BLT Dana Desa 2026", kind="tunai", benefit_amount=300000)
        blt.partners = [ProgrammePartner(organisation=desa, role="penyandang_dana"),
                        ProgrammePartner(organisation=lsm, role="pelaksana")]
        sembako = Programme(code="SEMBAKO-CSR-2026", name="Sembako CSR 2026", kind="barang")
        sembako.partners = [ProgrammePartner(organisation=csr, role="penyandang_dana")]
        session.add_all([blt, sembako])
        dd = FundingSource(programme=blt, name="Dana Desa 2026", kind="dana_desa", budget=Decimal("3600000"),
                           fiscal_year=2026, created_at=JAN)
        csr_source = FundingSource(programme=sembako, name="CSR PT Garam 2026", kind="csr", organisation=csr,
                                   budget=Decimal("2000000"), fiscal_year=2026, created_at=JAN)
        session.add_all([dd, csr_source])
        households = []
        for i, nik in enumerate(FULL_NIKS):
            household = Household(no_kk=f"35260112{i:04d}0001", rt="001", rw="001", dusun=DUSUN[i % 2], desa="Kamal")
            household.members.append(Person(nik=nik, name=f"Penerima Nomor {i}", sex="P",
                                            birth_date=date(1980, 1, 1), relationship_to_head="KEPALA KELUARGA"))
            households.append(household)
        session.add_all(households)
        cycles = {}
        for key, programme, source, approved, amount, members in (
                ("blt", blt, dd, _at(2026, 9, 30, 3), 300000, households[:4]),
                ("sembako", sembako, csr_source, _at(2026, 10, 2, 3), 250000, households[4:])):
            cycle = Cycle(programme=programme, name=f"{programme.code} Oktober", status="disetujui",
                          approved_by="kepala_desa", approved_at=approved)
            session.add(CyclePlan(cycle=cycle, funding_source=source, benefit_amount=amount,
                                  approved_total=amount * len(members), approved_count=len(members)))
            cycle.entitlements = [Entitlement(programme=programme, household=h, amount=amount, created_at=approved,
                                              snapshot={"dusun": h.dusun, "no_kk": h.no_kk}) for h in members]
            cycles[key] = cycle
        session.flush()
        blt_e, sem_e = cycles["blt"].entitlements, cycles["sembako"].entitlements
        append_at(session, _at(2026, 10, 10, 2), cycle_id=cycles["blt"].id, entitlement_id=blt_e[0].id,
                  event="paid", amount=300000)
        append_at(session, _at(2026, 10, 10, 3), cycle_id=cycles["blt"].id, entitlement_id=blt_e[1].id,
                  event="paid", amount=300000)
        append_at(session, _at(2026, 9, 30, 18), cycle_id=cycles["blt"].id, entitlement_id=blt_e[2].id,
                  event="paid", amount=300000)
        append_at(session, _at(2026, 10, 20, 5), cycle_id=cycles["sembako"].id, entitlement_id=sem_e[0].id,
                  event="collected", amount=250000)
        for e in (*blt_e[:3], sem_e[0]):
            e.status = "disalurkan"
        training = Training(topic="Menjahit", organiser_kind="csr", organisation=csr, programme=sembako,
                            created_at=_at(2026, 10, 1))
        held = TrainingSession(training=training, held_on=date(2026, 10, 12), place="Balai Desa")
        done = TrainingEnrolment(training=training, person=households[4].members[0], status="selesai",
                                 completed_on=date(2026, 10, 20))
        absent = TrainingEnrolment(training=training, person=households[5].members[0], status="terdaftar")
        session.add_all([training, held, done, absent,
                         TrainingAttendance(session=held, enrolment=done, present=True),
                         TrainingAttendance(session=held, enrolment=absent, present=False),
                         TrainingFollowUp(enrolment=done, months=3, due_on=date(2027, 1, 20),
                                          answered_at=_at(2026, 11, 15), monthly_income=1500000,
                                          work_status="usaha_sendiri")])
        grant = CapitalGrant(kind="hibah", household=households[4], programme=sembako, business="Warung",
                             amount_requested=1000000, amount_approved=1000000, status="dicairkan")
        session.add_all([grant, CapitalDisbursement(grant=grant, key="modal-1", amount=1000000, channel="tunai",
                                                    disbursed_on=date(2026, 11, 1), recorded_by="uji")])
        session.commit()
        ids.update(blt=blt.id, sembako=sembako.id, desa=desa.id, lsm=lsm.id, csr=csr.id, dd=dd.id,
                   blt_cycle=cycles["blt"].id, blt_unpaid=blt_e[3].id, sembako_unpaid=sem_e[1].id)
    engine.dispose()
    return ids
