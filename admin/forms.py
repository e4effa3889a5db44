"""WTForms for the admin's own screens (CSRF-protected through Flask-WTF)."""
from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, Length, Optional, Regexp

DEFAULT_TEMPLATE = "Yth. {{ nama }}, bantuan {{ program }} dapat diambil di balai desa."
ROSTER_EXTENSIONS = ("csv", "xlsx")


def flash_errors(form) -> None:
    """Every validation message of ``form`` as a red flash, for screens that redirect or re-render."""
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "danger")


class RosterUploadForm(FlaskForm):
    roster = FileField(
        "Berkas data (CSV atau XLSX)",
        validators=[
            FileRequired("Pilih berkas untuk diimpor"),
            FileAllowed(ROSTER_EXTENSIONS, "Hanya berkas .csv atau .xlsx yang diterima"),
        ],
    )
    # Blank: the user's desa (or the default desa); a kecamatan/kabupaten code: the DESA column says which.
    area_code = StringField("Kode wilayah tujuan (opsional)", validators=[
        Optional(), Regexp(r"^\d{2}\.\d{2}(\.\d{2}(\.\d{4})?)?$", message="Tulis kode Kemendagri, mis. 35.26.04.2001")])


class ProgrammeChoiceForm(FlaskForm):
    programme_id = SelectField("Program", coerce=int, validators=[DataRequired("Pilih program")])


REPORT_KINDS = [("programme_recipients", "Daftar penerima program"),
                ("realisasi_bulanan", "Realisasi bulanan desa"),
                ("mitra_triwulan", "Laporan triwulan mitra"),
                ("tahunan_kabupaten", "Laporan tahunan kabupaten")]
SOCIAL_TARGETS = [("facebook", "Facebook"), ("instagram", "Instagram")]


class ReportRequestForm(FlaskForm):
    """Which report, for which period, and (by kind) which programme or partner; checked in the view."""

    report = SelectField("Jenis laporan", choices=REPORT_KINDS, default="programme_recipients")
    period = StringField("Periode", validators=[Optional(), Length(max=10)])
    programme_id = SelectField("Program", coerce=int, validators=[Optional()])
    organisation_id = SelectField("Mitra", coerce=int, validators=[Optional()])


class SocialPostForm(FlaskForm):
    targets = SelectMultipleField("Halaman", choices=SOCIAL_TARGETS, default=["facebook", "instagram"],
                                  validators=[DataRequired("Pilih Facebook dan/atau Instagram")])


AUDIENCES = [("programme", "Penerima program"), ("cycle_unpaid", "Penerima siklus yang belum dibayar"),
             ("area", "Warga satu dusun / RT"), ("welfare_band", "Kelompok kesejahteraan"),
             ("training", "Peserta pelatihan"), ("manual", "Daftar nomor HP / NIK")]
CHANNELS = [("sms", "SMS"), ("whatsapp", "WhatsApp"), ("email", "E-mail")]


class CampaignForm(FlaskForm):
    audience = SelectField("Sasaran", choices=AUDIENCES, default="programme")
    channel = SelectField("Saluran", choices=CHANNELS, default="sms")
    fallback_sms = BooleanField("Kirim SMS bila WhatsApp gagal", default=True)
    programme_id = SelectField("Program", coerce=int, validators=[Optional()])
    cycle_id = SelectField("Siklus", coerce=int, validators=[Optional()])
    training_id = SelectField("Pelatihan", coerce=int, validators=[Optional()])
    area_id = SelectField("Desa", coerce=int, validators=[Optional()])
    dusun = StringField("Dusun", validators=[Optional(), Length(max=100)])
    rt = StringField("RT", validators=[Optional(), Length(max=3)])
    band = StringField("Kelompok kesejahteraan (mis. miskin, rentan, atau desil 1-10)",
                       validators=[Optional(), Length(max=20)])
    entries = TextAreaField("Nomor HP / NIK (satu per baris)", validators=[Optional(), Length(max=100_000)])
    template = TextAreaField(
        "Isi pesan",
        default=DEFAULT_TEMPLATE,
        validators=[DataRequired("Isi pesan wajib diisi"), Length(max=2000)],
        description="Gunakan {{ nama }} untuk nama penerima dan {{ program }} untuk nama program.",
    )
    legally_required = BooleanField("Pemberitahuan wajib (tetap dikirim ke warga yang meminta berhenti)")
    send_at = DateTimeLocalField("Jadwal kirim (kosong = sekarang, waktu WIB)", format="%Y-%m-%dT%H:%M",
                                 validators=[Optional()])


class TestMessageForm(FlaskForm):
    channel = SelectField("Saluran", choices=CHANNELS, default="sms")
    to = StringField("Nomor HP / alamat e-mail", validators=[DataRequired("Tujuan wajib diisi"), Length(max=200)])
    body = TextAreaField("Isi pesan", default="Uji coba pesan dari sistem bansos.",
                        validators=[DataRequired("Isi pesan wajib diisi"), Length(max=1000)])


class OptOutForm(FlaskForm):
    address = StringField("Nomor HP warga", validators=[DataRequired("Nomor HP wajib diisi"), Length(max=30)])


class ActionForm(FlaskForm):
    """CSRF only: the cycle screens read their few fields from request.form and validate them in the
    selection module, which words every refusal in Indonesian."""


class DedupDecisionForm(FlaskForm):
    """One reviewer decision on a dedup case; which fields matter depends on ``action``."""

    action = SelectField("Keputusan", choices=[("merge", "Gabungkan"), ("dismiss", "Bukan orang yang sama"),
                                               ("move", "Pindahkan ke KK lain")])
    survivor_id = IntegerField("Data yang dipertahankan", validators=[Optional()])
    person_id = IntegerField("Orang yang dipindah", validators=[Optional()])
    no_kk = StringField("No. KK tujuan", validators=[Optional(), Length(max=20)])
    reason = TextAreaField("Alasan", validators=[Optional(), Length(max=1000)])


class DedupRunForm(FlaskForm):
    """Only the CSRF token: starting a run takes no input."""


SOCIAL_ACCOUNTS = [("facebook", "Halaman Facebook"), ("instagram", "Instagram")]


class SocialCheckForm(FlaskForm):
    target = SelectField("Tujuan", choices=SOCIAL_ACCOUNTS, default="facebook")


class SocialAnnouncementForm(FlaskForm):
    text = TextAreaField("Isi pengumuman", validators=[DataRequired("Isi pengumuman wajib diisi"), Length(max=2000)],
                         description="Pengumuman publik: jangan cantumkan NIK, alamat lengkap atau nomor HP warga.")
    link = StringField("Tautan (opsional)", validators=[Optional(), Length(max=500), URL(message="Tautan tidak sah")])
    image_url = StringField("Alamat gambar (wajib untuk Instagram)",
                            validators=[Optional(), Length(max=500), URL(message="Alamat gambar tidak sah")])
    facebook = BooleanField("Halaman Facebook", default=True)
    instagram = BooleanField("Instagram")
