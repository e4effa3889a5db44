"""WTForms (CSRF-protected) of the distribution screens: pickup, stock, bank, statements, verification."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DecimalField, FloatField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class TokenForm(FlaskForm):
    token = StringField("Kode kartu (pindai QR atau ketik)", validators=[DataRequired("Isi kode kartu")])


class PickupForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])
    collector_id = SelectField("Yang mengambil", coerce=int, validators=[InputRequired("Pilih pengambil")])
    location = StringField("Lokasi penyaluran", default="Balai desa",
                           validators=[DataRequired("Isi lokasi"), Length(max=200)])
    handed_over_by = StringField("Diserahkan oleh (petugas)", validators=[DataRequired("Isi nama petugas"),
                                                                           Length(max=150)])


class StockForm(FlaskForm):
    package = StringField("Paket barang", validators=[DataRequired("Isi nama paket"), Length(max=200)])
    received = IntegerField("Jumlah diterima", validators=[InputRequired(), NumberRange(min=1, max=1_000_000)])


class ExportForm(FlaskForm):
    """Another file format for a batch the bank has not answered yet."""
    # The choice is checked by banks.export_format, whose refusal says why in Indonesian.
    export_format = SelectField("Format berkas transfer", validators=[DataRequired("Pilih format")],
                                validate_choice=False)


class StatementForm(FlaskForm):
    statement = FileField("Berkas hasil bank (CSV umum, mutasi rekening koran CSV, atau XML camt.053/camt.054)", validators=[
        FileRequired("Pilih berkas hasil bank"), FileAllowed(("csv", "xml"), "Hanya berkas .csv atau .xml")])


class SampleForm(FlaskForm):
    confidence = FloatField("Tingkat kepercayaan", default=0.95, validators=[NumberRange(min=0.5, max=0.999)])
    margin = FloatField("Batas kesalahan", default=0.05, validators=[NumberRange(min=0.001, max=0.5)])


class AnswerForm(FlaskForm):
    received_full = SelectField("Menerima penuh?", choices=[("ya", "Ya"), ("tidak", "Tidak")])
    amount_received = DecimalField("Jumlah diterima (Rp)", places=0, validators=[Optional()])
    note = StringField("Catatan", validators=[Optional(), Length(max=500)])


class AccountForm(FlaskForm):
    nik = StringField("NIK penerima", validators=[DataRequired(), Length(min=16, max=16, message="NIK 16 angka")])
    bank_code = StringField("Kode bank (BI 3 angka atau BIC)", validators=[DataRequired()])
    account_number = StringField("Nomor rekening", validators=[DataRequired()])
    holder_name = StringField("Nama pemilik rekening", validators=[DataRequired(), Length(max=150)])
