"""Public forms (Flask-WTF: CSRF token in every form) and the photo check for complaints."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from services.common.contracts import COMPLAINT_CATEGORIES

MAX_PHOTO_BYTES = 2 * 1024 * 1024
# Decide the type from the bytes, not from the name or the browser's claim.
IMAGE_SIGNATURES = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}


def image_extension(data: bytes) -> str | None:
    for magic, ext in IMAGE_SIGNATURES.items():
        if data.startswith(magic):
            return ext
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


class ComplaintForm(FlaskForm):
    category = SelectField("Kategori", choices=list(COMPLAINT_CATEGORIES.items()), validators=[DataRequired()])
    title = StringField("Judul singkat", validators=[Optional(), Length(max=200)])
    body = TextAreaField("Isi pengaduan", validators=[DataRequired("Isi pengaduan wajib diisi"),
                                                      Length(min=10, max=5000, message="Isi 10 sampai 5000 huruf")])
    location = StringField("Lokasi (dusun / RT / RW)", validators=[Optional(), Length(max=200)])
    anonymous = BooleanField("Kirim tanpa nama (anonim)")
    sender_name = StringField("Nama (boleh kosong)", validators=[Optional(), Length(max=150)])
    phone = StringField("Nomor HP untuk kabar (boleh kosong)", validators=[Optional(), Length(max=20)])
    photo = FileField("Foto (opsional, JPG/PNG/WebP, paling besar 2 MB)")

    def validate_photo(self, field) -> None:
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            return
        data = upload.read(MAX_PHOTO_BYTES + 1)
        upload.seek(0)
        if len(data) > MAX_PHOTO_BYTES:
            raise ValidationError("Foto terlalu besar (paling besar 2 MB)")
        if image_extension(data) is None:
            raise ValidationError("Berkas bukan foto (hanya JPG, PNG atau WebP)")


class TrackForm(FlaskForm):
    class Meta:
        csrf = False  # a read-only GET lookup

    kode = StringField("Kode pelacakan", validators=[DataRequired(), Length(max=20)])


class SurveyForm(FlaskForm):
    code = StringField("Kode survei (dari kupon/SMS)", validators=[DataRequired(), Length(min=6, max=40)])
    score = RadioField("Seberapa puas Anda?", choices=[(str(i), str(i)) for i in range(1, 6)],
                       validators=[DataRequired("Pilih nilai 1 sampai 5")])
    comment = TextAreaField("Saran atau komentar", validators=[Optional(), Length(max=1000)])
    cycle_id = IntegerField(validators=[Optional(), NumberRange(min=1)])
