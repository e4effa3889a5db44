"""The hand-over to SP4N-LAPOR!: one row per complaint with their fields (judul, isi, kategori, tanggal,
lokasi, status), as CSV or XLSX, through the formula-safe writers. Reporters' identities are not exported."""
from __future__ import annotations

from datetime import UTC

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.contracts import COMPLAINT_CATEGORIES
from services.registry.feedback.clock import LOCAL
from services.registry.models import Complaint

LAPOR_COLUMNS = ("judul", "isi", "kategori", "tanggal", "lokasi", "status", "kode_pelacakan", "saluran")
LAPOR_STATUS = {"baru": "Belum Terverifikasi", "diteruskan": "Terdisposisi", "ditindaklanjuti": "Ditindaklanjuti",
                "selesai": "Selesai"}


def lapor_rows(session: Session, include_sensitive: bool, ids: list[int] | None = None) -> list[tuple]:
    query = select(Complaint).order_by(Complaint.received_at, Complaint.id)
    if not include_sensitive:
        query = query.where(Complaint.sensitive.is_(False))
    if ids:
        query = query.where(Complaint.id.in_(ids))
    rows = []
    for c in session.scalars(query):
        rows.append((c.title, c.body, COMPLAINT_CATEGORIES.get(c.category, c.category),
                     _local(c.received_at), c.location or "", LAPOR_STATUS.get(c.status, c.status), c.tracking_code,
                     c.channel))
    return rows


def _local(value) -> str:
    if value.tzinfo is None:  # SQLite returns naive UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")


def write_csv(rows: list[tuple], stream) -> None:
    from services.common.spreadsheet import SafeCsvWriter

    writer = SafeCsvWriter(stream)
    writer.writerow(LAPOR_COLUMNS)
    for row in rows:
        writer.writerow(row)


def write_xlsx(rows: list[tuple], path) -> None:
    from openpyxl import Workbook

    from services.common.spreadsheet import safe_row

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Pengaduan")
    sheet.append(list(LAPOR_COLUMNS))
    for row in rows:
        sheet.append(safe_row(row))
    book.save(path)
