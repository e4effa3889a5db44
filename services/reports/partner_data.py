"""Figures of the quarterly partner report (mitra_triwulan): one partner organisation, one quarter.

Its programmes are those it funds (a funding source with its organisation_id, or the funder role) or
runs (implementer role). Besides money and recipients: trainings it ran (sessions in the quarter,
participants present, completions), capital grants of its programmes (disbursed, repaid) and the
outcomes the registry holds (training follow-ups, capital follow-up visits), all counted, never listed."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from services.registry.core.periods import Period, parse_period
from services.registry.models import (
    CapitalDisbursement,
    CapitalFollowUp,
    CapitalGrant,
    LoanPayment,
    Organisation,
    PartnerAgreement,
    Training,
    TrainingAttendance,
    TrainingEnrolment,
    TrainingFollowUp,
    TrainingSession,
)
from services.reports import facts
from services.reports.periodic_data import (
    COUNT,
    MONEY,
    TEXT,
    _programme_label,
    base,
    budget_chart,
    dusun_table,
    month_table,
    monthly_chart,
    programme_table,
    realisation,
    source_table,
    summary,
    table,
)

ROLE_LABELS = {"penyandang_dana": "penyandang dana", "pelaksana": "pelaksana"}
WORK_LABELS = {"bekerja": "Bekerja", "usaha_sendiri": "Usaha sendiri", "tidak_bekerja": "Tidak bekerja"}


def _in(column, period: Period):
    return facts.period_filter(column, period.first_day, period.next_first_day)


def training_table(session: Session, period: Period, organisation_id: int, programme_ids: set[int]) -> dict:
    ran = or_(Training.organisation_id == organisation_id,
              Training.programme_id.in_(sorted(programme_ids) or [0]))
    trainings = session.scalars(select(Training).where(ran, Training.created_at < facts.bind_time(session, period.end))
                                .order_by(Training.id)).all()
    rows = []
    for training in trainings:
        sessions = session.scalar(select(func.count(TrainingSession.id)).where(
            TrainingSession.training_id == training.id, _in(TrainingSession.held_on, period)))
        present = session.scalar(
            select(func.count(func.distinct(TrainingAttendance.enrolment_id)))
            .join(TrainingSession, TrainingSession.id == TrainingAttendance.session_id)
            .where(TrainingSession.training_id == training.id, TrainingAttendance.present.is_(True),
                   _in(TrainingSession.held_on, period)))
        completed = session.scalar(select(func.count(TrainingEnrolment.id)).where(
            TrainingEnrolment.training_id == training.id, _in(TrainingEnrolment.completed_on, period)))
        if sessions or present or completed:
            rows.append([training.topic, sessions, present, completed])
    return table("pelatihan", "Pelatihan pada triwulan ini",
                 [("Pelatihan", TEXT), ("Sesi", COUNT), ("Peserta hadir", COUNT), ("Lulus", COUNT)], rows)


def capital_table(session: Session, period: Period, programme_ids: set[int]) -> dict:
    ids = sorted(programme_ids) or [0]
    rows = []
    for kind, label in (("hibah", "Hibah modal usaha"), ("pinjaman", "Pinjaman bergulir")):
        grant_ids = select(CapitalGrant.id).where(CapitalGrant.programme_id.in_(ids), CapitalGrant.kind == kind)
        paid_out = session.execute(
            select(func.count(func.distinct(CapitalDisbursement.grant_id)),
                   func.coalesce(func.sum(CapitalDisbursement.amount), 0))
            .where(CapitalDisbursement.grant_id.in_(grant_ids), _in(CapitalDisbursement.disbursed_on, period))).one()
        cumulative = session.scalar(
            select(func.coalesce(func.sum(CapitalDisbursement.amount), 0))
            .where(CapitalDisbursement.grant_id.in_(grant_ids),
                   CapitalDisbursement.disbursed_on < period.next_first_day))
        repaid = session.scalar(select(func.coalesce(func.sum(LoanPayment.amount), 0)).where(
            LoanPayment.grant_id.in_(grant_ids), _in(LoanPayment.paid_on, period)))
        rows.append([label, paid_out[0], facts.money(paid_out[1]), facts.money(cumulative), facts.money(repaid)])
    return table("modal_usaha", "Bantuan modal usaha",
                 [("Jenis", TEXT), ("Usaha dicairkan", COUNT), ("Dicairkan triwulan ini", MONEY),
                  ("Dicairkan s.d. akhir triwulan", MONEY), ("Angsuran diterima", MONEY)], rows)


def outcome_table(session: Session, period: Period, organisation_id: int, programme_ids: set[int]) -> dict:
    ids = sorted(programme_ids) or [0]
    end = facts.bind_time(session, period.end)
    start = facts.bind_time(session, period.start)
    answered = session.execute(
        select(TrainingFollowUp.work_status, TrainingFollowUp.monthly_income)
        .join(TrainingEnrolment, TrainingEnrolment.id == TrainingFollowUp.enrolment_id)
        .join(Training, Training.id == TrainingEnrolment.training_id)
        .where(or_(Training.organisation_id == organisation_id, Training.programme_id.in_(ids)),
               TrainingFollowUp.answered_at >= start, TrainingFollowUp.answered_at < end)).all()
    visits = session.execute(
        select(CapitalFollowUp.business_status, CapitalFollowUp.monthly_income)
        .join(CapitalGrant, CapitalGrant.id == CapitalFollowUp.grant_id)
        .where(CapitalGrant.programme_id.in_(ids), _in(CapitalFollowUp.visited_on, period))).all()
    rows = [["Survei lanjutan pelatihan dijawab", len(answered), None]]
    work = Counter(status for status, _ in answered if status)
    rows += [[f"- {WORK_LABELS.get(s, s)}", n, None] for s, n in sorted(work.items())]
    incomes = [facts.money(i) for _, i in answered if i is not None]
    rows.append(["Rata-rata pendapatan bulanan peserta", None, sum(incomes) // len(incomes) if incomes else None])
    rows.append(["Kunjungan lanjutan modal usaha", len(visits), None])
    rows += [[f"- usaha {s}", n, None] for s, n in sorted(Counter(s for s, _ in visits).items())]
    incomes = [facts.money(i) for _, i in visits if i is not None]
    rows.append(["Rata-rata pendapatan bulanan usaha", None, sum(incomes) // len(incomes) if incomes else None])
    return table("hasil", "Hasil (outcome) yang tercatat",
                 [("Uraian", TEXT), ("Jumlah", COUNT), ("Rupiah", MONEY)], rows)


def agreements_total(session: Session, period: Period, organisation_id: int) -> int:
    total = session.scalar(select(func.coalesce(func.sum(PartnerAgreement.committed_amount), 0)).where(
        PartnerAgreement.organisation_id == organisation_id, PartnerAgreement.starts_on < period.next_first_day,
        PartnerAgreement.ends_on >= period.first_day,
        PartnerAgreement.created_at < facts.bind_time(session, period.end)))
    return facts.money(total)


def mitra_triwulan(session: Session, period_text: str, organisation_id: int) -> dict:
    period = parse_period(period_text, "quarter")
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise LookupError(f"Lembaga mitra {organisation_id} tidak ditemukan")
    roles = facts.partner_programmes(session, organisation_id)
    programme_ids = set(roles)
    months = period.months()
    result = realisation(session, period, programme_ids, months_from=months[0])
    own_keys = [k for k, (_n, _k, org) in result.sources.items() if org == organisation_id]
    own = [result.by_source[k] for k in own_keys]
    role_rows = sorted([_programme_label(result, pid), ", ".join(ROLE_LABELS.get(r, r) for r in sorted(rs))]
                       for pid, rs in roles.items())
    funds = [["Komitmen dalam perjanjian (MoU) yang berlaku", agreements_total(session, period, organisation_id),
              MONEY],
             ["Anggaran dari dana mitra", sum(t.budget for t in own), MONEY],
             ["Dana mitra disetujui untuk penerima", sum(t.approved for t in own), MONEY],
             ["Dana mitra tersalur s.d. akhir triwulan", sum(t.cumulative for t in own), MONEY]]
    return {**base("mitra_triwulan", period), "organisation_id": organisation_id,
            "organisation": organisation.name, "summary": funds + summary(result),
            "tables": [table("program_mitra", "Program mitra", [("Program", TEXT), ("Peran", TEXT)], role_rows),
                       programme_table(result), source_table(result), dusun_table(result),
                       month_table(result, months), training_table(session, period, organisation_id, programme_ids),
                       capital_table(session, period, programme_ids),
                       outcome_table(session, period, organisation_id, programme_ids)],
            "charts": [budget_chart(result), monthly_chart(result, months)]}
