"""WTForms for the admin's own screens (CSRF-protected through Flask-WTF)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

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


class ActionForm(FlaskForm):
    """CSRF only: the cycle screens read their few fields from request.form and validate them in the
    selection module, which words every refusal in Indonesian."""
