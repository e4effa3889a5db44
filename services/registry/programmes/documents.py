"""Berita acara (PDF, reportlab) and the BNBA list (XLSX/CSV, SIKS-NG style columns) of a musyawarah.

The internal copy (for the kabupaten/SIKS-NG upload) shows full NIK; the public copy masks NIK and
shows RT/RW/dusun only, never the full address (DOMAIN.md: no full name with full address in public)."""
from __future__ import annotations

import csv
import io
from decimal import Decimal
from xml.sax.saxutils import escape

from openpyxl import Workbook
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy.orm import Session

from services.common.privacy import mask_nik
from services.registry.core.money import rupiah
from services.registry.models import CyclePlan, Musyawarah
from services.registry.programmes.musyawarah import decided_rows, quorum

KIND_TITLES = {"musdus": "Musyawarah Dusun", "musdes": "Musyawarah Desa", "musdesus": "Musyawarah Desa Khusus"}
BNBA_COLUMNS = ["NO", "NIK", "NO_KK", "NAMA", "ALAMAT", "RT", "RW", "DUSUN", "DESA", "PROGRAM", "NILAI_BANTUAN",
                "KEPUTUSAN", "KETERANGAN"]
ROWS_PER_TABLE = 40  # many small tables: reportlab splits one huge table in O(n^2)


def bnba_rows(session: Session, meeting: Musyawarah) -> list[list]:
    plan = session.get(CyclePlan, meeting.cycle_id)
    amount = plan.benefit_amount if plan and plan.benefit_amount is not None else meeting.cycle.programme.benefit_amount
    rows = []
    for number, (decision, candidate) in enumerate(decided_rows(session, meeting), start=1):
        snap = candidate.snapshot or {}
        rows.append([number, snap.get("nik") or "", snap.get("no_kk") or "", snap.get("name") or "",
                     snap.get("address") or "", snap.get("rt") or "", snap.get("rw") or "", snap.get("dusun") or "",
                     snap.get("desa") or "", meeting.cycle.programme.name,
                     int(Decimal(amount)) if amount is not None and decision.decision != "ditolak" else "",
                     decision.decision.upper(), decision.reason or ""])
    return rows


def bnba_csv(session: Session, meeting: Musyawarah) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")  # SIKS-NG templates and Excel-ID expect semicolons
    writer.writerow(BNBA_COLUMNS)
    writer.writerows(bnba_rows(session, meeting))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def bnba_xlsx(session: Session, meeting: Musyawarah) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("BNBA")
    sheet.append(BNBA_COLUMNS)
    for row in bnba_rows(session, meeting):
        # NIK/KK as text: Excel would turn 16 digits into 3.526E+15 and lose the last digit.
        sheet.append([str(cell) if i in (1, 2) else cell for i, cell in enumerate(row)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _x(text) -> str:
    """Paragraph takes markup: escape what people typed (a "<" in a reason must not break the PDF)."""
    return escape(str(text or ""))


def _table(data, widths):
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("FONTSIZE", (0, 0), (-1, -1), 8),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def berita_acara_pdf(session: Session, meeting: Musyawarah, internal: bool = True) -> bytes:
    styles = getSampleStyleSheet()
    cycle = meeting.cycle
    q = quorum(meeting)
    story = [Paragraph(f"BERITA ACARA {KIND_TITLES[meeting.kind].upper()}", styles["Title"]),
             Paragraph(f"Penetapan Penerima {_x(cycle.programme.name)} &mdash; {_x(cycle.name)}", styles["Heading2"]),
             Paragraph(f"Pada tanggal {meeting.held_on.strftime('%d-%m-%Y')} bertempat di {_x(meeting.place)} "
                       f"telah dilaksanakan {KIND_TITLES[meeting.kind]} yang dipimpin oleh {_x(meeting.chair)}.",
                       styles["Normal"]),
             Paragraph(f"Hadir {q['present']} dari {q['invited']} undangan (kuorum {q['required']}): "
                       f"{'KUORUM TERPENUHI' if q['ok'] else 'KUORUM TIDAK TERPENUHI'}.", styles["Normal"]),
             Spacer(1, 0.4 * cm), Paragraph("Daftar Hadir", styles["Heading3"])]
    attendance = [["No", "Nama", "Jabatan/Unsur", "Kehadiran", "Tanda tangan"]]
    attendance += [[i, a.name, a.position or "", "Hadir" if a.present else "Tidak hadir", ""]
                   for i, a in enumerate(meeting.attendees, start=1)]
    story.append(_table(attendance, [1 * cm, 5 * cm, 4.5 * cm, 2.5 * cm, 4 * cm]))
    story += [Spacer(1, 0.4 * cm), Paragraph("Daftar Keputusan", styles["Heading3"])]
    rows = bnba_rows(session, meeting)
    header = ["No", "NIK", "Nama", "RT/RW", "Dusun", "Keputusan", "Keterangan"]
    for start in range(0, max(len(rows), 1), ROWS_PER_TABLE):
        data = [header]
        for row in rows[start:start + ROWS_PER_TABLE]:
            nik = row[1] if internal else mask_nik(row[1])
            data.append([row[0], nik, Paragraph(_x(row[3]), styles["BodyText"]), f"{row[5]}/{row[6]}", row[7],
                         row[11], Paragraph(_x(row[12]), styles["BodyText"])])
        story.append(_table(data, [1 * cm, 3.3 * cm, 4 * cm, 1.6 * cm, 2.4 * cm, 2.4 * cm, 3.3 * cm]))
    receiving = sum(1 for row in rows if row[11] in ("DISETUJUI", "DITAMBAHKAN"))
    total = sum(row[10] for row in rows if isinstance(row[10], int))
    story += [Spacer(1, 0.4 * cm),
              Paragraph(f"Jumlah KPM ditetapkan: {receiving}; jumlah bantuan per siklus: {rupiah(total)}.",
                        styles["Normal"]),
              Paragraph("Salinan internal (NIK lengkap)" if internal else "Salinan publik (NIK disamarkan)",
                        styles["Italic"]),
              Spacer(1, 1.2 * cm),
              _table([["Pimpinan Musyawarah", "Kepala Desa", "Ketua BPD"],
                      [f"\n\n\n{meeting.chair}", "\n\n\n", "\n\n\n"]], [5.5 * cm, 5.5 * cm, 5.5 * cm])]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=f"Berita Acara {cycle.name}", leftMargin=1.5 * cm,
                      rightMargin=1.5 * cm).build(story)
    return out.getvalue()
