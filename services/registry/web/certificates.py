"""Public, no-login pages of the registry service: certificate verification.

Shows the shortened name, the training and the date only: never NIK, address or the full name."""
from __future__ import annotations

from flask import Blueprint, render_template_string

from services.common.db import current_database
from services.registry.capacity.certificates import short_name, verify_code
from services.registry.core.areas import area_or_default

public = Blueprint("registry_public_certificates", __name__, url_prefix="/public")

_PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Verifikasi Sertifikat{% if place %} - {{ place }}{% endif %}</title>
<style>body{font-family:sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}
.ok{border:3px solid #2e7d32;padding:1rem}.bad{border:3px solid #c62828;padding:1rem}
dt{font-weight:bold;margin-top:.5rem}</style></head><body>
<h1>Verifikasi Sertifikat Pelatihan</h1>
{% if enrolment %}<div class="ok" id="hasil"><p><strong>SERTIFIKAT SAH</strong></p><dl>
<dt>Nama</dt><dd id="nama">{{ name }}</dd><dt>Pelatihan</dt><dd id="pelatihan">{{ enrolment.training.topic }}</dd>
<dt>Penyelenggara</dt><dd>{{ organiser }}</dd>
<dt>Tanggal lulus</dt><dd id="tanggal">{{ enrolment.completed_on.strftime('%d-%m-%Y') }}</dd></dl></div>
{% else %}<div class="bad" id="hasil"><p><strong>SERTIFIKAT TIDAK DITEMUKAN</strong></p>
<p>Kode tidak sah atau sertifikat sudah dicabut. Hubungi kantor desa yang menerbitkan sertifikat.</p></div>{% endif %}
</body></html>"""


@public.get("/certificates/<code>")
def certificate(code: str):
    session = current_database().session
    enrolment = verify_code(session, code)
    if enrolment is None:
        return render_template_string(_PAGE, enrolment=None), 404
    training = enrolment.training
    area = area_or_default(session, training.area_id)
    organiser = training.organisation.name if training.organisation else f"Pemerintah {area.title}"
    return render_template_string(_PAGE, enrolment=enrolment, name=short_name(enrolment.person.name),
                                  organiser=organiser, place=area.title)
