"""The landing page after login: what each part of the admin is for, in Bahasa Indonesia."""
from __future__ import annotations

from flask import g
from flask_appbuilder import IndexView, expose

from admin.scoping import is_partner


class HomeView(IndexView):
    index_template = "admin/home.html"

    @expose("/")
    def index(self):
        user = getattr(g, "user", None)
        if user is not None and getattr(user, "is_authenticated", False) and is_partner(user):
            # Partners land on their own workspace: their programmes, trainings and outcomes.
            from admin.views.capacity.partners import render_partner_dashboard

            return render_partner_dashboard(self)
        return super().index()
