"""Draws a periodic report's figures (periodic_data.py) as PDF with charts, XLSX, CSV and a chart PNG.

Charts are matplotlib PNGs (Agg backend: no display, no internet) embedded in the reportlab PDF.
Every writer reads only the figures dict, so all formats show the same numbers."""
from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime

import matplotlib

matplotlib.use("Agg")  # before pyplot: workers have no display

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from openpyxl.cell import WriteOnlyCell  # noqa: E402
from openpyxl.styles import Font  # noqa: E402
from reportlab.lib import colors  # noqa: E402
from reportlab.lib.pagesizes import A4, landscape  # noqa: E402
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle  # noqa: E402

from services.common.spreadsheet import SafeCsvWriter, safe_row  # noqa: E402
from services.registry.core.money import rupiah
from services.reports.periodic_data import COUNT, DAYS, MONEY, PERCENT, TEXT  # noqa: E402

ROWS_PER_TABLE = 35  # page-sized chunks keep reportlab's table layout linear
PAGE = landscape(A4)



def show(value, kind: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, str) and kind != TEXT:  # a suppressed small count ("< 5")
        return value
    if kind == MONEY:
        return rupiah(value)
    if kind == PERCENT:
        return f"{value:.1f}%".replace(".", ",")
    if kind == COUNT:
        return f"{int(value):,}".replace(",", ".")
    if kind == DAYS:
        return f"{value:.1f} hari".replace(".", ",")
    return str(value)


def header_lines(figures: dict, generated_at: datetime, digest: str) -> list[tuple[str, str]]:
    lines = [("Periode", f"{figures['period_label']} ({figures['period']})")]
    if figures.get("organisation"):
        lines.append(("Mitra", figures["organisation"]))
    lines += [("Data per", f"sebelum {figures['as_of'][:10]} 00:00 WIB (transaksi sesudahnya tidak dihitung)"),
              ("Dibuat pada", generated_at.strftime("%d-%m-%Y %H:%M %Z").strip()),
              ("SHA-256 angka", digest)]
    return lines


def chart_png(chart: dict, width: float = 7.5, height: float = 3.4) -> bytes:
    """One chart as PNG bytes (rupiah on the y axis in millions)."""
    fig, ax = plt.subplots(figsize=(width, height), dpi=110)
    try:
        labels = chart["labels"] or ["(tidak ada data)"]
        millions = FuncFormatter(lambda v, _pos: f"{v / 1e6:,.1f} jt".replace(",", "."))
        if chart["type"] == "bar":
            count = max(len(chart["series"]), 1)
            step = 0.8 / count
            for i, (name, values) in enumerate(chart["series"].items()):
                xs = [x - 0.4 + step * (i + 0.5) for x in range(len(values))]
                ax.bar(xs, values, width=step, label=name)
            ax.set_xticks(range(len(labels)), labels, rotation=20 if len(labels) > 3 else 0, ha="right",
                          fontsize=7)
        else:
            for name, values in chart["series"].items():
                ax.plot(range(len(values)), values, marker="o", label=name)
            ax.set_xticks(range(len(labels)), labels, fontsize=7)
        ax.yaxis.set_major_formatter(millions)
        ax.set_title(chart["title"], fontsize=10)
        ax.grid(axis="y", alpha=0.3)
        if chart["series"]:
            ax.legend(fontsize=7)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", metadata={"Software": None})
        return buffer.getvalue()
    finally:
        plt.close(fig)


def _page_number(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.drawRightString(PAGE[0] - 12 * mm, 8 * mm, f"Halaman {doc.page}")
    canvas.restoreState()


def write_pdf(figures: dict, path, generated_at: datetime, digest: str) -> None:
    styles = getSampleStyleSheet()
    style = TableStyle([("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 7), ("FONT", (0, 1), (-1, -1), "Helvetica", 7),
                        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)])
    head_style = ParagraphStyle("kepala", parent=styles["BodyText"], fontName="Helvetica-Bold", fontSize=7,
                                leading=8.5)
    story = [Paragraph(figures["title"], styles["Title"])]
    story += [Paragraph(f"<b>{label}:</b> {value}", styles["Normal"])
              for label, value in header_lines(figures, generated_at, digest)]
    story.append(Spacer(1, 4 * mm))
    summary = Table([["Ringkasan", "Nilai"], *[[label, show(value, kind)] for label, value, kind in
                                               figures["summary"]]], style=style, hAlign="LEFT")
    summary.setStyle([("ALIGN", (1, 1), (1, -1), "RIGHT")])
    story.append(summary)
    story.append(Spacer(1, 4 * mm))
    images = [Image(io.BytesIO(chart_png(chart)), width=125 * mm, height=57 * mm) for chart in figures["charts"]]
    if images:
        story.append(Table([images[i:i + 2] for i in range(0, len(images), 2)], hAlign="LEFT"))
    for tab in figures["tables"]:
        story.append(Paragraph(tab["title"], styles["Heading3"]))
        kinds = [c["type"] for c in tab["columns"]]
        head = [Paragraph(c["name"], head_style) for c in tab["columns"]]
        numbers = [("ALIGN", (i, 1), (i, -1), "RIGHT") for i, kind in enumerate(kinds) if kind != TEXT]
        if not tab["rows"]:
            story.append(Paragraph("Tidak ada data pada periode ini.", styles["Italic"]))
            continue
        for start in range(0, len(tab["rows"]), ROWS_PER_TABLE):
            chunk = [[show(v, k) for v, k in zip(row, kinds, strict=True)]
                     for row in tab["rows"][start:start + ROWS_PER_TABLE]]
            part = Table([head, *chunk], style=style, repeatRows=1, hAlign="LEFT")
            part.setStyle(numbers)
            story.append(part)
    doc = SimpleDocTemplate(str(path), pagesize=PAGE, title=f"{figures['title']} {figures['period']}",
                            leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm, bottomMargin=14 * mm)
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)


def _bold_row(sheet, values: Iterable) -> list:
    bold = Font(bold=True)
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = bold
        cells.append(cell)
    return cells


def write_xlsx_sheets(path, sheets: Iterable[tuple[str, list[str], Iterable[Iterable]]]) -> None:
    """Streams ``(title, header, rows)`` sheets into a write-only workbook: rows may be a generator of any
    length; memory stays bounded (openpyxl write-only keeps no cells)."""
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        sheet.freeze_panes = "A2"
        sheet.append(_bold_row(sheet, header))
        for row in rows:
            sheet.append(safe_row(row))
    workbook.save(str(path))


def write_xlsx(figures: dict, path, generated_at: datetime, digest: str) -> None:
    info = [*([label, value] for label, value in header_lines(figures, generated_at, digest)),
            *([label, value] for label, value, _kind in figures["summary"])]
    sheets = [("Ringkasan", ["Uraian", "Nilai"], info)]
    for tab in figures["tables"]:
        sheets.append((tab["key"], [c["name"] for c in tab["columns"]], tab["rows"]))
    write_xlsx_sheets(path, sheets)


def write_csv(figures: dict, path, generated_at: datetime, digest: str) -> None:
    """All tables in one file: a section line names each table, a blank line separates them."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = SafeCsvWriter(handle)
        writer.writerow(["Laporan", figures["title"]])
        for label, value in header_lines(figures, generated_at, digest):
            writer.writerow([label, value])
        for label, value, _kind in figures["summary"]:
            writer.writerow([label, "" if value is None else value])
        for tab in figures["tables"]:
            writer.writerow([])
            writer.writerow([f"[{tab['key']}]", tab["title"]])
            writer.writerow([c["name"] for c in tab["columns"]])
            writer.writerows([["" if v is None else v for v in row] for row in tab["rows"]])


def write_png(figures: dict, path, generated_at: datetime, digest: str) -> None:
    """The first chart (budget against disbursed): the image of a social-media post."""
    with open(path, "wb") as handle:
        handle.write(chart_png(figures["charts"][0], width=8, height=4.2))


WRITERS = {"pdf": write_pdf, "xlsx": write_xlsx, "csv": write_csv, "png": write_png}
