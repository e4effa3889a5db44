"""The notice-board poster (papan informasi) of one cycle, A3 or A4, with a QR code to its public page.

Same content as the public page (short names, masked NIK, RT/RW only) plus the ledger head hash, so
anyone can scan the poster and check it against the system."""
from __future__ import annotations

import io

import segno
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.pagesizes import A3, A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from services.registry.core.money import rupiah
from services.reports.public.data import CycleDetail

PAGE_SIZES = {"a3": A3, "a4": A4}
HEADER = ("No", "Nama", "NIK", "RT/RW", "Dusun", "Jumlah", "Status")


class QrFlowable(Flowable):
    """The QR code drawn as vector squares (sharp at any print size, no image files)."""

    def __init__(self, url: str, size: float) -> None:
        super().__init__()
        self.matrix = segno.make(url, error="m").matrix
        self.size = size

    def wrap(self, *_args):
        return self.size, self.size

    def draw(self) -> None:
        modules = len(self.matrix) + 8  # 4-module quiet zone on each side
        cell = self.size / modules
        drawing = Drawing(self.size, self.size)
        for y, row in enumerate(self.matrix):
            for x, dark in enumerate(row):
                if dark:
                    drawing.add(Rect((x + 4) * cell, self.size - (y + 5) * cell, cell, cell,
                                     fillColor=colors.black, strokeColor=None))
        renderPDF.draw(drawing, self.canv, 0, 0)


def render_poster(detail: CycleDetail, size: str, url: str, author: str) -> bytes:
    """``author`` is who publishes the list: "Pemerintah Desa Kamal"."""
    page = PAGE_SIZES[size]
    scale = 1.3 if size == "a3" else 1.0
    title = ParagraphStyle("judul", fontName="Helvetica-Bold", fontSize=20 * scale, leading=24 * scale)
    body = ParagraphStyle("isi", fontName="Helvetica", fontSize=10 * scale, leading=13 * scale)
    small = ParagraphStyle("kecil", fontName="Courier", fontSize=8 * scale, leading=10 * scale)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=page, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
                            bottomMargin=12 * mm, title=f"Papan Informasi {detail.summary.name}",
                            author=author)
    prog, summary = detail.programme, detail.summary
    facts = [
        Paragraph("PAPAN INFORMASI PENERIMA BANTUAN", title),
        Paragraph(_esc(author.upper()), body),
        Paragraph(f"<b>{_esc(prog.name)}</b> &mdash; {_esc(summary.name)} ({_esc(summary.period)})", body),
        Paragraph(f"Status siklus: <b>{summary.status_label}</b>. Penerima: {summary.recipients}. "
                  f"Nilai bantuan: {rupiah(summary.planned)}; sudah disalurkan: {rupiah(summary.disbursed)}.", body),
        Paragraph("Penyandang dana: " + _esc(", ".join(prog.funders) or "-") + ". Pelaksana: "
                  + _esc(", ".join(prog.implementers) or "-") + ".", body),
    ]
    qr_size = 45 * mm * scale
    hash_text = detail.ledger_hash or "belum tersedia"
    side = [QrFlowable(url, qr_size), Paragraph(_esc(url), small)]
    head = Table([[facts, side]], colWidths=[doc.width - qr_size - 4 * mm, qr_size + 4 * mm])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    rows = [HEADER] + [(r.number, r.name, r.nik, r.rt_rw, r.dusun, r.amount, r.status) for r in detail.rows]
    table = Table(rows, repeatRows=1, colWidths=[w * doc.width for w in (.06, .26, .2, .1, .16, .12, .1)])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), "Helvetica", 9 * scale), ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9 * scale),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfeee4")),
    ]))
    story = [head, Spacer(1, 4 * mm), table, Spacer(1, 4 * mm),
             Paragraph(f"Kode hash buku kas (ledger) siklus ini: {_esc(hash_text)}", small),
             Paragraph("Pindai kode QR untuk mencocokkan papan ini dengan sistem. Nama disingkat dan NIK "
                       "disamarkan untuk melindungi data pribadi. Ada keberatan atau pengaduan? Sampaikan "
                       "lewat laman pengaduan desa (boleh tanpa nama).", body)]
    doc.build(story)
    return buffer.getvalue()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
