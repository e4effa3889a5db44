"""Survei lanjutan: the 3- and 6-month income and work survey of training graduates, due first."""
from __future__ import annotations

from flask_appbuilder.models.sqla.filters import FilterInFunction
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import select

from admin.scoping import visible_programme_ids
from admin.views.programmes.programmes import _rupiah
from admin.views.system.audit import AuditedModelView
from services.common.db import utcnow
from services.registry.capacity.models.trainings import WORK_STATUSES
from services.registry.models import Training, TrainingEnrolment, TrainingFollowUp


class FilterFollowUpsOfVisibleProgrammes(FilterInFunction):
    """Follow-ups sit two relations away from the programme; FAB's dotted filters go one level deep."""

    name = "Program yang boleh dilihat"

    def apply(self, query, func):
        ids = func()
        if ids is None:
            return query
        visible = (select(TrainingEnrolment.id).join(Training, TrainingEnrolment.training_id == Training.id)
                   .where(Training.programme_id.in_(sorted(ids))))
        return query.filter(TrainingFollowUp.enrolment_id.in_(visible))


class TrainingFollowUpView(AuditedModelView):
    datamodel = SQLAInterface(TrainingFollowUp)
    class_permission_name = "TrainingFollowUpView"
    route_base = "/training-follow-ups"
    list_title, show_title, edit_title = "Survei Lanjutan Pelatihan", "Survei Lanjutan", "Isi Survei Lanjutan"
    base_filters = [["enrolment_id", FilterFollowUpsOfVisibleProgrammes, visible_programme_ids]]
    base_permissions = ["can_list", "can_show", "can_edit"]  # rows are made by completion, never by hand
    list_columns = ["enrolment", "months", "due_on", "answered_at", "monthly_income", "work_status"]
    show_columns = list_columns
    edit_columns = ["monthly_income", "work_status"]
    search_columns = ["months", "due_on", "work_status"]
    search_form_query_rel_fields = {}
    base_order = ("due_on", "asc")
    label_columns = {"enrolment": "Peserta", "months": "Bulan ke", "due_on": "Jatuh tempo",
                     "answered_at": "Dijawab", "monthly_income": "Penghasilan/bulan",
                     "work_status": f"Status kerja ({'/'.join(WORK_STATUSES)})"}
    formatters_columns = {"monthly_income": _rupiah}

    def pre_update(self, item):
        if item.work_status not in WORK_STATUSES:
            raise ValueError(f"Status kerja harus salah satu dari: {', '.join(WORK_STATUSES)}")
        if item.monthly_income is not None and item.monthly_income < 0:
            raise ValueError("Penghasilan tidak boleh negatif")
        item.answered_at = utcnow()
        super().pre_update(item)


