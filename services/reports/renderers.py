"""Writes a RecipientsReport as PDF (reportlab platypus), XLSX (openpyxl write-only) and CSV."""
from __future__ import annotations

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from services.common.spreadsheet import SafeCsvWriter, safe_row
from services.reports.recipients_data import COLUMNS, RecipientsReport

PDF_ROWS_PER_TABLE = 40  # one Table per page-sized chunk keeps reportlab's layout cost linear


def header_lines(report: RecipientsReport) -> list[tuple[str, str]]:
    return [
        ("Program", f"{report.programme_name} ({report.programme_code})"),
        ("Jenis", report.programme_kind),
        ("Nilai bantuan", report.benefit_amount),
        ("Penyandang dana", ", ".join(report.funders) or "-"),
        ("Pelaksana", ", ".join(report.implementers) or "-"),
        ("Periode", report.period),
        ("Dibuat pada", report.generated_at.strftime("%d-%m-%Y %H:%M %Z").strip()),
        ("Jumlah penerima", str(len(report.rows))),
    ]


def pdf_text(value) -> str:
    """The standard PDF fonts lack the mask bullet, so masked digits print as '*' there."""
    return str(value).replace("\u2022", "*")


def _page_number(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, f"Halaman {doc.page}")
    canvas.restoreState()


def write_pdf(report: RecipientsReport, path) -> None:
    styles = getSampleStyleSheet()
    story = [Paragraph("Daftar Penerima Bantuan", styles["Title"])]
    for label, value in header_lines(report):
        story.append(Paragraph(f"<b>{label}:</b> {value}", styles["Normal"]))
    story.append(Spacer(1, 6 * mm))
    style = TableStyle([("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8), ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
                        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)])
    widths = [12 * mm, 32 * mm, 50 * mm, 32 * mm, 16 * mm, 28 * mm, 16 * mm]
    for start in range(0, len(report.rows), PDF_ROWS_PER_TABLE):
        chunk = [COLUMNS, *[[pdf_text(v) for v in row] for row in report.rows[start:start + PDF_ROWS_PER_TABLE]]]
        story.append(Table(chunk, colWidths=widths, style=style, repeatRows=1))
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph("Jumlah per dusun", styles["Heading3"]))
    totals = [("Dusun", "Jumlah"), *[(d, str(n)) for d, n in report.totals_by_dusun]]
    story.append(Table(totals, style=style))
    doc = SimpleDocTemplate(str(path), pagesize=A4, title=f"Penerima {report.programme_name}",
                            leftMargin=12 * mm, rightMargin=12 * mm)
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)


def write_xlsx(report: RecipientsReport, path) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Penerima")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in report.rows:
        sheet.append(safe_row(row))
    info = workbook.create_sheet("Ringkasan")
    for label, value in header_lines(report):
        info.append([label, value])
    info.append([])
    info.append(["Dusun", "Jumlah"])
    for dusun, count in report.totals_by_dusun:
        info.append([dusun, count])
    workbook.save(str(path))


def write_csv(report: RecipientsReport, path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = SafeCsvWriter(handle)
        writer.writerow(COLUMNS)
        writer.writerows(report.rows)


WRITERS = {"pdf": write_pdf, "xlsx": write_xlsx, "csv": write_csv}
