"""The public site blueprint (/publik): no login, small HTML with its own CSS and no JavaScript."""
from __future__ import annotations

import re
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from sqlalchemy import select
from werkzeug.routing import BaseConverter

from services.common.contracts import COMPLAINT_CATEGORIES, send
from services.registry.core.codes import new_tracking_code
from services.registry.core.models.areas import default_desa_code
from services.registry.models import Complaint
from services.reports.public import areas, data
from services.reports.public.cache import cached_page
from services.reports.public.forms import ComplaintForm, SurveyForm, TrackForm, image_extension
from services.reports.public.poster import PAGE_SIZES, render_poster

public = Blueprint("public", __name__, url_prefix="/publik", template_folder="../templates",
                   static_folder="../static/public", static_url_path="/aset")
limiter = Limiter(key_func=get_remote_address)
PUBLIC_CHART_REPORT = "realisasi_bulanan"  # the only report whose chart is public
TRACKING_CODE = re.compile(r"^ADU-[A-Z0-9]{8}$")
PUBLIC_STATUS = {"baru": "Diterima, menunggu diteruskan", "diteruskan": "Diteruskan ke petugas",
                 "ditindaklanjuti": "Sedang ditindaklanjuti", "selesai": "Selesai"}


def _form_rate() -> str:
    return current_app.config.get("PUBLIC_FORM_RATE", "5/hour")


def registry_session():
    """A session on the read-only registry engine, built once per app."""
    from services.reports.registry_read import registry_sessions

    factory = current_app.extensions.get("registry_read")
    if factory is None:
        factory = current_app.extensions["registry_read"] = registry_sessions(current_app.config["REGISTRY_READ_URL"])
    return factory()


def public_cycle_url(cycle_id: int) -> str:
    base = current_app.config.get("REPORTS_PUBLIC_BASE_URL") or request.host_url.rstrip("/")
    return f"{base.rstrip('/')}{url_for('public.cycle', cycle_id=cycle_id)}"


class AreaCodeConverter(BaseConverter):
    """A Kemendagri code in a path: kabupaten, kecamatan or desa (``35.26``, ``35.26.04``, ``35.26.04.2001``)."""

    regex = r"\d{2}\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?"


public.record_once(lambda state: state.app.url_map.converters.setdefault("kode", AreaCodeConverter))


def _area(code: str):
    with registry_session() as session:
        return areas.area_by_code(session, code)


@public.url_value_preprocessor
def _village(endpoint, values):
    """``<kode>`` in the path names the page's area; pages without one are the default desa's."""
    code = (values or {}).pop("kode", None)
    g.public_area = _area(code or default_desa_code())
    if g.public_area is None:
        abort(404)
    if endpoint != "public.village" and g.public_area.level != "desa":
        abort(404)  # a recipient list, a poster or a form always belongs to one village


@public.url_defaults
def _village_code(endpoint, values):
    if "kode" not in values and current_app.url_map.is_endpoint_expecting(endpoint, "kode"):
        area = g.get("public_area")
        values["kode"] = area.code if area is not None else default_desa_code()


@public.app_context_processor
def _site_area():
    return {"site_area": g.get("public_area")}


@public.get("/")
@cached_page
def index():
    """The kabupaten's index: every village with what it publishes, totals only above the village."""
    root = _area(_kabupaten_code())
    if root is None:
        abort(404)
    g.public_area = None
    with registry_session() as session:
        totals = areas.area_totals(session, root)
    return render_template("public/areas.html", root=root, totals=totals, rupiah=data.rupiah)


def _kabupaten_code() -> str:
    return ".".join(default_desa_code().split(".")[:2])


@public.get("/<kode:kode>/")
@cached_page
def village():
    area = g.public_area
    if area.level != "desa":
        with registry_session() as session:
            totals = areas.area_totals(session, area)
        return render_template("public/areas.html", root=area, totals=totals, rupiah=data.rupiah)
    with registry_session() as session:
        programmes = data.programmes(session, area)
    return render_template("public/index.html", programmes=programmes, rupiah=data.rupiah)


@public.get("/<kode:kode>/program/<int:programme_id>")
@cached_page
def programme(programme_id: int):
    with registry_session() as session:
        prog = data.programme(session, programme_id, g.public_area)
        if prog is None:
            abort(404)
        counts = data.area_counts(session, [c.id for c in prog.cycles], g.public_area)
    return render_template("public/programme.html", programme=prog, areas=counts, rupiah=data.rupiah)


@public.get("/<kode:kode>/siklus/<int:cycle_id>")
@cached_page
def cycle(cycle_id: int):
    with registry_session() as session:
        detail = data.cycle_detail(session, cycle_id, g.public_area)
    if detail is None:  # unknown, not yet frozen, or not this village's: a draft list never leaves the registry
        abort(404)
    # A cheap phone gets the list in pages; the poster keeps the whole list.
    size = current_app.config.get("PUBLIC_PAGE_SIZE", 200)
    pages = max(1, -(-len(detail.rows) // size))
    page = min(max(request.args.get("hal", 1, type=int), 1), pages)
    rows = detail.rows[(page - 1) * size:page * size]
    return render_template("public/cycle.html", detail=detail, rows=rows, page=page, pages=pages,
                           rupiah=data.rupiah)


@public.get("/<kode:kode>/siklus/<int:cycle_id>/poster-<size>.pdf")
@cached_page
def poster(cycle_id: int, size: str):
    if size not in PAGE_SIZES:
        abort(404)
    with registry_session() as session:
        detail = data.cycle_detail(session, cycle_id, g.public_area)
    if detail is None:
        abort(404)
    pdf = render_poster(detail, size, public_cycle_url(cycle_id), g.public_area.government)
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="papan-informasi-{cycle_id}-{size}.pdf"'})


# The addresses of the site of one village, kept for the posters and links already printed: they are the
# default desa's pages.
@public.get("/program/<int:programme_id>", endpoint="old_programme")
@public.get("/siklus/<int:cycle_id>", endpoint="old_cycle")
@public.get("/siklus/<int:cycle_id>/poster-<size>.pdf", endpoint="old_poster")
def _old_address(**values):
    endpoint = "public." + request.endpoint.rsplit(".", 1)[1].removeprefix("old_")
    query = request.args.to_dict()
    return redirect(url_for(endpoint, kode=default_desa_code(), **values, **query), code=301)


@public.route("/pengaduan", methods=["GET", "POST"])
@public.route("/<kode:kode>/pengaduan", methods=["GET", "POST"])
@limiter.limit(_form_rate, methods=["POST"])
def complaint():
    form = ComplaintForm()
    if form.validate_on_submit():
        code = new_tracking_code()
        payload = {"tracking_code": code, "channel": "web", "category": form.category.data,
                   "title": (form.title.data or COMPLAINT_CATEGORIES[form.category.data]).strip()[:200],
                   "body": form.body.data.strip(), "location": form.location.data or None,
                   "anonymous": bool(form.anonymous.data),
                   "sender_name": None if form.anonymous.data else (form.sender_name.data or None),
                   "phone": None if form.anonymous.data else (form.phone.data or None),
                   "photo_path": _store_photo(code, form.photo.data), "area_code": g.public_area.code}
        send(current_app.extensions["celery"], "registry.record_complaint", payload)
        return render_template("public/complaint_sent.html", code=code), 201
    status = 400 if request.method == "POST" else 200
    return render_template("public/complaint.html", form=form), status


def _store_photo(code: str, upload) -> str | None:
    """Keep the photo in the reports store (checked to be an image); the registry keeps its path."""
    if not upload or not getattr(upload, "filename", ""):
        return None
    content = upload.read()
    folder = Path(current_app.config["REPORTS_STORE"]) / "pengaduan"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{code}.{image_extension(content)}"
    path.write_bytes(content)
    return str(path)


@public.get("/lacak")
@public.get("/<kode:kode>/lacak")
def track():
    form = TrackForm(request.args)
    found, searched = None, bool(request.args.get("kode"))
    if searched and form.validate():
        code = form.kode.data.strip().upper()
        if TRACKING_CODE.match(code):
            with registry_session() as session:
                found = session.scalar(select(Complaint).where(Complaint.tracking_code == code))
    return render_template("public/track.html", form=form, complaint=found, searched=searched,
                           status_label=PUBLIC_STATUS, categories=COMPLAINT_CATEGORIES)


@public.route("/survei/<int:cycle_id>", methods=["GET", "POST"])
@public.route("/<kode:kode>/survei/<int:cycle_id>", methods=["GET", "POST"])
@limiter.limit(_form_rate, methods=["POST"])
def survey(cycle_id: int):
    with registry_session() as session:
        detail = data.cycle_detail(session, cycle_id, g.public_area)
    if detail is None:
        abort(404)
    return _survey_form(detail.summary.name, cycle_id)


@public.route("/survei", methods=["GET", "POST"])
@public.route("/<kode:kode>/survei", methods=["GET", "POST"])
@limiter.limit(_form_rate, methods=["POST"])
def survey_by_code():
    """The link sent by SMS with each one-time code: the code says which distribution or training."""
    return _survey_form(None, None)


def _code_target(code: str, cycle_id: int | None) -> tuple[str | None, str | None]:
    """(what the code is for, None) or (None, the reason it cannot be used), read from the registry."""
    from services.registry.indicators.models.read import usable_code

    with registry_session() as session:
        issued, refusal = usable_code(session, code, cycle_id)
        if refusal is not None:
            return None, refusal
        if issued.cycle is not None:
            return f"{issued.cycle.programme.name} — {issued.cycle.name}", None
        return f"Pelatihan {issued.training.topic}", None


def _survey_form(title: str | None, cycle_id: int | None):
    """Only an issued, unused code is accepted (checked here for a clear answer, and again atomically by
    the registry, which keeps the first answer of a code and refuses any other)."""
    form = SurveyForm(code=request.args.get("kode"))
    if request.method == "GET" and form.code.data and title is None:
        title, _error = _code_target(form.code.data, None)
    if form.validate_on_submit():
        code = form.code.data.strip().upper()
        target, error = _code_target(code, cycle_id)
        if error is None:
            payload = {"code": code, "score": int(form.score.data), "comment": form.comment.data or None}
            if cycle_id is not None:
                payload["cycle_id"] = cycle_id
            send(current_app.extensions["celery"], "registry.record_survey", payload)
            return render_template("public/survey_sent.html", title=title or target), 201
        form.code.errors.append(error)
    status = 400 if request.method == "POST" else 200
    return render_template("public/survey.html", form=form, title=title), status


@public.app_errorhandler(429)
def _too_many(_exc):
    return render_template("public/message.html", title="Terlalu banyak kiriman",
                           message="Terlalu banyak kiriman dari alamat ini. Silakan coba lagi nanti."), 429



@public.get("/laporan/<int:run_id>/grafik.png")
def report_chart(run_id: int):
    """The chart of a finished monthly realisation report (aggregates only): the picture of a social-media
    post. Any other report, unfinished run or unknown id is "not found"."""
    from services.common.db import current_database
    from services.reports.models import Artifact, ReportRun

    artifact = current_database().session.scalar(
        select(Artifact).join(ReportRun).where(ReportRun.id == run_id, ReportRun.report == PUBLIC_CHART_REPORT,
                                               ReportRun.status == "selesai", Artifact.format == "png"))
    if artifact is None or not Path(artifact.path).is_file():
        return jsonify({"error": "Tidak ditemukan"}), 404
    return send_file(artifact.path, mimetype="image/png", max_age=3600)
