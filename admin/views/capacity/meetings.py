"""Rembug warga: community meetings with attendance, issues, decisions, follow-up actions and minutes PDF."""
from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access

from admin.extensions import db_session
from admin.views.capacity.common import actor
from admin.views.system.audit import AuditedModelView
from services.registry.capacity.common import CapacityError
from services.registry.capacity.meetings import issue_to_complaint, issue_to_proposal, minutes_pdf, overdue_actions
from services.registry.models import (
    CommunityMeeting,
    MeetingAction,
    MeetingAttendee,
    MeetingDecision,
    MeetingIssue,
    ProgrammeProposal,
)


def _child_view(model, name, route, title, columns, labels):
    return type(name, (AuditedModelView,), {
        "datamodel": SQLAInterface(model), "class_permission_name": "CommunityMeetingView", "route_base": route,
        "list_title": title, "show_title": title, "add_title": f"Tambah {title}", "edit_title": f"Ubah {title}",
        "list_columns": ["meeting", *columns], "add_columns": ["meeting", *columns],
        "edit_columns": ["meeting", *columns], "search_columns": columns[:1],
        "label_columns": {"meeting": "Rapat", **labels}})


MeetingAttendeeView = _child_view(MeetingAttendee, "MeetingAttendeeView", "/meeting-attendees", "Daftar Hadir",
                                  ["name", "role"], {"name": "Nama", "role": "Unsur"})
MeetingIssueView = _child_view(MeetingIssue, "MeetingIssueView", "/meeting-issues", "Masalah",
                               ["text", "raised_by", "outcome"],
                               {"text": "Masalah", "raised_by": "Disampaikan oleh", "outcome": "Tindak lanjut"})
MeetingDecisionView = _child_view(MeetingDecision, "MeetingDecisionView", "/meeting-decisions", "Keputusan",
                                  ["text"], {"text": "Keputusan"})
MeetingActionView = _child_view(MeetingAction, "MeetingActionView", "/meeting-actions", "Rencana Tindak Lanjut",
                                ["description", "owner", "due_on", "done_on"],
                                {"description": "Kegiatan", "owner": "Penanggung jawab", "due_on": "Batas waktu",
                                 "done_on": "Selesai"})


class CommunityMeetingView(AuditedModelView):
    datamodel = SQLAInterface(CommunityMeeting)
    class_permission_name = "CommunityMeetingView"
    route_base = "/meetings"
    list_title, show_title, add_title, edit_title = "Rembug Warga", "Rembug Warga", "Tambah Rapat", "Ubah Rapat"
    list_columns = ["title", "held_on", "place", "dusun"]
    add_columns = edit_columns = show_columns = ["title", "held_on", "place", "dusun", "chair", "agenda"]
    search_columns = ["title", "held_on", "dusun"]
    base_order = ("held_on", "desc")
    related_views = [MeetingAttendeeView, MeetingIssueView, MeetingDecisionView, MeetingActionView]
    show_template = "admin/meeting_show.html"
    label_columns = {"title": "Judul", "held_on": "Tanggal", "place": "Tempat", "dusun": "Dusun",
                     "chair": "Pimpinan rapat", "agenda": "Agenda (satu per baris)"}


class ProgrammeProposalView(AuditedModelView):
    datamodel = SQLAInterface(ProgrammeProposal)
    class_permission_name = "ProgrammeProposalView"
    route_base = "/programme-proposals"
    list_title = show_title = "Usulan Program"
    list_columns = ["title", "status", "created_at"]
    show_columns = ["title", "description", "status", "source_issue"]
    edit_columns = ["title", "description", "status"]
    add_columns = edit_columns
    search_columns = ["title", "status"]
    label_columns = {"title": "Judul", "description": "Uraian", "status": "Status", "created_at": "Dibuat",
                     "source_issue": "Dari masalah rapat"}


class MeetingWorkView(BaseView):
    route_base = "/meeting-work"
    class_permission_name = "MeetingWorkView"
    default_view = "overdue"
    method_permission_name = {"overdue": "work", "minutes": "work", "issue": "work", "issues": "work"}

    @expose("/<int:pk>/issues")
    @has_access
    def issues(self, pk: int):
        meeting = db_session().get(CommunityMeeting, pk) or abort(404)
        return self.render_template("admin/meeting_issues.html", meeting=meeting)

    @expose("/overdue")
    @has_access
    def overdue(self):
        return self.render_template("admin/meeting_overdue.html", actions=overdue_actions(db_session()),
                                    today=date.today())

    @expose("/<int:pk>/minutes.pdf")
    @has_access
    def minutes(self, pk: int):
        meeting = db_session().get(CommunityMeeting, pk) or abort(404)
        return Response(minutes_pdf(meeting), mimetype="application/pdf",
                        headers={"Content-Disposition": f"attachment; filename=notulen-{pk}.pdf"})

    @expose("/issue/<int:pk>/<string:target>", methods=["POST"])
    @has_access
    def issue(self, pk: int, target: str):
        issue = db_session().get(MeetingIssue, pk) or abort(404)
        try:
            if target == "usulan":
                issue_to_proposal(db_session(), issue, actor())
            elif target == "pengaduan":
                issue_to_complaint(db_session(), issue, actor())
            else:
                abort(404)
            db_session().commit()
            flash("Masalah sudah diteruskan.", "info")
        except CapacityError as exc:
            db_session().rollback()
            flash(str(exc), "danger")
        return redirect(url_for("MeetingWorkView.issues", pk=issue.meeting_id))
