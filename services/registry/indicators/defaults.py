"""Default indicators (seeded by ``bansos seed-demo``): every figure here is data a village edits in the admin."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.models import Indicator, Programme

VILLAGE = (
    ("PARTISIPASI", "Tingkat partisipasi penerima", "tingkat_partisipasi", {}, "%", 80, 95, "naik", "bulan",
     "Penerima yang sudah mengambil atau dibayar dibanding penerima yang berhak, pada siklus bulan itu."),
    ("CAKUPAN-TERMISKIN", "Cakupan keluarga termiskin", "cakupan_termiskin", {"bands": ["miskin"]}, "%", 50, 80,
     "naik", "bulan", "Keluarga kelompok 'miskin' yang terdaftar di suatu program dibanding semua keluarga miskin."),
    ("SERAPAN-ANGGARAN", "Serapan anggaran", "serapan_anggaran", {}, "%", 0, 90, "naik", "bulan",
     "Dana tersalur sejak 1 Januari dibanding anggaran sumber dana tahun itu."),
    ("TEPAT-WAKTU", "Penyaluran tepat waktu", "ketepatan_waktu", {"grace_days": 0}, "%", 70, 90, "naik", "bulan",
     "Bantuan yang diterima paling lambat pada hari terakhir periode siklus."),
    ("PENGADUAN-HARI", "Waktu penyelesaian pengaduan (median)", "waktu_penyelesaian_pengaduan", {}, "hari", 14, 10,
     "turun", "bulan", "Median hari dari pengaduan diterima sampai selesai, untuk pengaduan yang selesai bulan itu."),
    ("PENDAPATAN", "Perubahan pendapatan keluarga", "perubahan_pendapatan",
     {"instrument": "KEBUTUHAN-DESA", "question": "pendapatan_bulanan"}, "Rp", 0, 250000, "naik", "triwulan",
     "Rata-rata pendapatan bulanan survei lanjutan dikurangi survei awal."),
    ("KEPUASAN", "Skor kepuasan warga", "skor_kepuasan", {}, "skor 1-5", Decimal("3.5"), Decimal("4.2"), "naik",
     "bulan", "Rata-rata nilai survei kepuasan (kode sekali pakai) yang masuk bulan itu."),
)
# Per programme, so that each partner sees its own programme's indicators.
PER_PROGRAMME = ("PARTISIPASI", "KEPUASAN", "SERAPAN-ANGGARAN")


def seed_indicators(session: Session, programme_codes: tuple[str, ...] = ()) -> int:
    """Insert the default indicators that are missing (matched by code); returns how many were added."""
    existing = set(session.scalars(select(Indicator.code)))
    added = 0
    specs = [(spec, None) for spec in VILLAGE]
    for code in programme_codes:
        programme = session.scalar(select(Programme).where(Programme.code == code))
        if programme is not None:
            specs += [(spec, programme) for spec in VILLAGE if spec[0] in PER_PROGRAMME]
    for (code, name, computation, params, unit, baseline, target, direction, granularity, description), prog in specs:
        full_code = code if prog is None else f"{code}-{prog.code}"[:40]
        if full_code in existing:
            continue
        session.add(Indicator(code=full_code, name=name if prog is None else f"{name} {prog.code}",
                              computation=computation, parameters=params, unit=unit, baseline=Decimal(baseline),
                              target=Decimal(target), direction=direction, granularity=granularity,
                              programme_id=prog.id if prog else None, description=description, active=True))
        added += 1
    session.flush()
    return added
