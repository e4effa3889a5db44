"""Training certificates: an HMAC-signed code, the PDF with its verification QR, and the check.

The code is ``<enrolment id>-<20 hex of HMAC-SHA256>`` under CERTIFICATE_KEY: anyone can read the id,
nobody without the key can make a code that verifies."""
from __future__ import annotations

import hashlib
import hmac
import io

import segno
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from sqlalchemy.orm import Session

from services.common.settings import env_str, secret
from services.registry.models import TrainingEnrolment


def _key() -> bytes:
    return secret("CERTIFICATE_KEY", "demo-certificate-key-ganti-di-produksi").encode()


def certificate_code(enrolment_id: int) -> str:
    digest = hmac.new(_key(), f"sertifikat:{enrolment_id}".encode(), hashlib.sha256).hexdigest()
    return f"{enrolment_id}-{digest[:20]}"


def verify_code(session: Session, code: str) -> TrainingEnrolment | None:
    """The completed enrolment the code was issued for, or None for a forged, mistyped or revoked code."""
    enrolment_id, _, _ = (code or "").partition("-")
    if not (enrolment_id.isascii() and enrolment_id.isdigit()) or len(code) > 64:
        return None
    if not hmac.compare_digest(certificate_code(int(enrolment_id)), code):
        return None
    enrolment = session.get(TrainingEnrolment, int(enrolment_id))
    if enrolment is None or enrolment.status != "selesai" or enrolment.certificate_code != code:
        return None
    return enrolment


def short_name(name: str) -> str:
    """'Siti Aminah Rahayu' -> 'Siti A. R.': enough to recognise, not enough to identify."""
    parts = (name or "").split()
    if not parts:
        return ""
    return " ".join([parts[0].title()] + [p[0].upper() + "." for p in parts[1:]])


def verification_url(code: str) -> str:
    # In production this is the public address nginx gives the registry's /public/ pages.
    base = env_str("PUBLIC_REGISTRY_URL") or f"http://127.0.0.1:{env_str('REGISTRY_PORT') or 8081}"
    return f"{base.rstrip('/')}/public/certificates/{code}"


def certificate_pdf(enrolment: TrainingEnrolment) -> bytes:
    """One landscape A4 page: full name (the holder's own document), training, date, QR to the check page."""
    if enrolment.status != "selesai" or not enrolment.certificate_code:
        raise ValueError("Sertifikat hanya untuk peserta yang sudah lulus")
    training = enrolment.training
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=landscape(A4))
    pdf.setTitle(f"Sertifikat {training.topic}")
    width, height = landscape(A4)
    pdf.setFont("Helvetica-Bold", 30)
    pdf.drawCentredString(width / 2, height - 4 * cm, "SERTIFIKAT PELATIHAN")
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(width / 2, height - 6 * cm, "Diberikan kepada")
    pdf.setFont("Helvetica-Bold", 24)
    pdf.drawCentredString(width / 2, height - 7.5 * cm, enrolment.person.name)
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(width / 2, height - 9.5 * cm, f"telah menyelesaikan pelatihan {training.topic}")
    organiser = training.organisation.name if training.organisation else f"Pemerintah Desa ({training.organiser_kind})"
    pdf.drawCentredString(width / 2, height - 10.5 * cm, f"diselenggarakan oleh {organiser}")
    pdf.drawCentredString(width / 2, height - 11.5 * cm, f"Lulus pada {enrolment.completed_on:%d-%m-%Y}")
    url = verification_url(enrolment.certificate_code)
    qr = io.BytesIO()
    segno.make(url, error="m").save(qr, kind="png", scale=6, border=2)
    qr.seek(0)
    pdf.drawImage(ImageReader(qr), width - 7 * cm, 1.5 * cm, 5 * cm, 5 * cm)
    pdf.setFont("Helvetica", 9)
    pdf.drawString(2 * cm, 2.2 * cm, f"Kode verifikasi: {enrolment.certificate_code}")
    pdf.drawString(2 * cm, 1.7 * cm, f"Periksa keaslian: {url}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
