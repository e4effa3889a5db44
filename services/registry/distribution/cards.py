"""Signed pickup card tokens and the printable A4 sheets of cards that carry them as QR codes.

A token is short enough to type by hand: ``BSK1-<entitlement>-<cycle>-<signature>``, the signature
being the first 20 base32 characters of an HMAC-SHA256 under REGISTRY_CARD_SECRET. Anyone may read
a card; only the village can make one, so a forged or altered card is refused.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import io
import re
from dataclasses import dataclass

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from services.common.privacy import mask_nik
from services.common.settings import secret
from services.registry.distribution.common import DistributionError

PREFIX = "BSK1"
_TOKEN = re.compile(r"^BSK1-(\d{1,12})-(\d{1,12})-([A-Z2-7]{20})$")


def _key() -> bytes:
    return secret("REGISTRY_CARD_SECRET", "demo-card-secret-desa-kamal").encode()


def _signature(entitlement_id: int, cycle_id: int) -> str:
    mac = hmac.new(_key(), f"{PREFIX}:{entitlement_id}:{cycle_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(mac).decode()[:20]


def make_token(entitlement_id: int, cycle_id: int) -> str:
    return f"{PREFIX}-{entitlement_id}-{cycle_id}-{_signature(entitlement_id, cycle_id)}"


@dataclass(frozen=True)
class CardToken:
    entitlement_id: int
    cycle_id: int


def read_token(text: str) -> CardToken:
    """Parse and check a scanned or typed token; raise DistributionError for anything not signed by us."""
    cleaned = re.sub(r"\s+", "", text or "").upper()
    match = _TOKEN.match(cleaned)
    if not match:
        raise DistributionError("Kode kartu tidak dikenali: periksa lagi hasil pindai atau ketikan")
    entitlement_id, cycle_id, signature = int(match[1]), int(match[2]), match[3]
    if not hmac.compare_digest(signature, _signature(entitlement_id, cycle_id)):
        raise DistributionError("Kartu palsu atau telah diubah: tanda tangan tidak cocok")
    return CardToken(entitlement_id, cycle_id)


def short_name(name: str | None) -> str:
    """``Siti Aminah binti Ahmad`` -> ``Siti A. B. A.``: enough to recognise, not a full name on paper."""
    parts = (name or "").split()
    if not parts:
        return "-"
    return " ".join([parts[0].title()] + [p[0].upper() + "." for p in parts[1:]])


@dataclass
class Card:
    token: str
    name: str
    nik: str | None
    no_kk: str | None
    programme: str
    cycle: str
    benefit: str


COLUMNS, ROWS = 2, 4  # eight cards per A4 sheet, cut along the grid


def render_cards_pdf(cards: list[Card], title: str) -> bytes:
    """One page per eight cards; each card: QR, short name, masked NIK and KK, programme, cycle, token text."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(title)
    width, height = A4
    margin = 10 * mm
    card_w, card_h = (width - 2 * margin) / COLUMNS, (height - 2 * margin) / ROWS
    per_page = COLUMNS * ROWS
    for index, card in enumerate(cards):
        if index and index % per_page == 0:
            pdf.showPage()
        slot = index % per_page
        x = margin + (slot % COLUMNS) * card_w
        y = height - margin - (slot // COLUMNS + 1) * card_h
        pdf.setDash(3, 3)
        pdf.rect(x, y, card_w, card_h)
        pdf.setDash()
        qr_size = 34 * mm
        widget = QrCodeWidget(card.token, barLevel="M")
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(qr_size, qr_size, transform=[qr_size / (x1 - x0), 0, 0, qr_size / (y1 - y0), 0, 0])
        drawing.add(widget)
        renderPDF.draw(drawing, pdf, x + 4 * mm, y + card_h - qr_size - 8 * mm)
        tx = x + qr_size + 8 * mm
        ty = y + card_h - 12 * mm
        pdf.setFont("Helvetica-Bold", 8.5)
        pdf.drawString(tx, ty, "KARTU PENGAMBILAN BANSOS")
        pdf.setFont("Helvetica", 9)
        lines = [card.name, f"NIK {mask_nik(card.nik)}", f"KK {mask_nik(card.no_kk)}", card.programme[:34],
                 card.cycle[:34], card.benefit[:34]]
        for offset, line in enumerate(lines, start=1):
            pdf.drawString(tx, ty - offset * 5 * mm, line)
        pdf.setFont("Courier", 7.5)
        pdf.drawString(x + 4 * mm, y + 6 * mm, card.token)
        pdf.setFont("Helvetica-Oblique", 6.5)
        pdf.drawString(x + 4 * mm, y + 2.5 * mm, "Bawa kartu ini dan KTP/KK saat pengambilan. Tidak dipungut biaya.")
    if not cards:
        pdf.drawString(margin, height - margin - 10, "Tidak ada kartu untuk dicetak.")
    pdf.save()
    return buffer.getvalue()
