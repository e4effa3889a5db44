"""WTForms for the admin's own screens (CSRF-protected through Flask-WTF)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

DEFAULT_TEMPLATE = "Yth. {{ nama }}, bantuan {{ program }} dapat diambil di Balai Desa Kamal."
ROSTER_EXTENSIONS = ("csv", "xlsx")


class RosterUploadForm(FlaskForm):
    roster = FileField(
        "Berkas data (CSV atau XLSX)",
        validators=[
            FileRequired("Pilih berkas untuk diimpor"),
            FileAllowed(ROSTER_EXTENSIONS, "Hanya berkas .csv atau .xlsx yang diterima"),
        ],
    )


class ProgrammeChoiceForm(FlaskForm):
    programme_id = SelectField("Program", coerce=int, validators=[DataRequired("Pilih program")])


class CampaignForm(ProgrammeChoiceForm):
    template = TextAreaField(
        "Isi pesan",
        default=DEFAULT_TEMPLATE,
        validators=[DataRequired("Isi pesan wajib diisi"), Length(max=2000)],
        description="Gunakan {{ nama }} untuk nama penerima dan {{ program }} untuk nama program.",
    )


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
