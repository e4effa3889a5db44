"""Shared bits of the cycle screens (Penyaluran uses them too): CSRF-checked posts, permission flags, parsing."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask import abort, flash, g, request
from sqlalchemy import select

from admin.extensions import db_session
from admin.forms import ActionForm
from admin.scoping import can_see_programme
from services.common.inputs import MAX_ID
from services.registry.models import Cycle, Household
from services.registry.programmes.candidates import SelectionError


class FormError(ValueError):
    """A typed value could not be read; the message is shown to the user."""


def actor() -> str:
    return getattr(g.user, "username", None) or "admin"


def checked_post() -> None:
    """Refuse a post without a valid CSRF token (the forms carry ActionForm's hidden tag)."""
    if not ActionForm().validate_on_submit():
        abort(400, "Formulir kedaluwarsa: muat ulang halaman lalu coba lagi")


def allowed(appbuilder, view: str, *permissions: str) -> dict[str, bool]:
    return {p: bool(appbuilder.sm.has_access(f"can_{p}", view)) for p in permissions}


def visible_cycle(cycle_id: int) -> Cycle:
    """The cycle, or 404 when it does not exist or belongs to a programme the user may not see."""
    cycle = db_session().get(Cycle, cycle_id)
    if cycle is None or not can_see_programme(cycle.programme_id):
        abort(404)
    return cycle


def household_by_kk(no_kk: str) -> Household:
    no_kk = (no_kk or "").strip()
    household = db_session().scalars(select(Household).where(Household.no_kk == no_kk)).first()
    if household is None:
        raise FormError(f"Keluarga dengan No. KK '{no_kk}' tidak ditemukan")
    return household


def parse_date(text: str | None, label: str, required: bool = False) -> date | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise FormError(f"{label} wajib diisi")
        return None
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise FormError(f"{label} tidak sah: pakai DD-MM-YYYY")


def parse_decimal(text: str | None, label: str) -> Decimal | None:
    """Rupiah as typed in Indonesia: "300.000", "Rp 300.000" or "300000" (dot = thousands, comma = decimal)."""
    text = (text or "").replace("Rp", "").replace(" ", "").replace(".", "").replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise FormError(f"{label} harus angka") from None
    if value < 0:
        raise FormError(f"{label} tidak boleh negatif")
    return value


def parse_float(text: str | None, label: str) -> float | None:
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise FormError(f"{label} harus angka") from None


def parse_int(text: str | None, label: str) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_ID:
        raise FormError(f"{label} harus bilangan bulat 0 sampai {MAX_ID}")
    return int(text)


def run_step(step, success: str | None = None) -> bool:
    """Run ``step()``; commit and flash ``success``, or roll back and flash the refusal."""
    session = db_session()
    try:
        result = step()
        session.commit()
    except (SelectionError, FormError, ValueError) as exc:
        session.rollback()
        flash(str(exc), "danger")
        return False
    if success:
        flash(success.format(result=result) if "{result" in success else success, "success")
    return True


def form_value(name: str) -> str:
    return (request.form.get(name) or "").strip()
