"""The landing page after login: what each part of the admin is for, in Bahasa Indonesia."""
from __future__ import annotations

from flask_appbuilder import IndexView


class HomeView(IndexView):
    index_template = "admin/home.html"
