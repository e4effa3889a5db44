"""Shared settings of the admin's model views: bounded page sizes, Indonesian titles."""
from __future__ import annotations

from flask_appbuilder import ModelView

MAX_PAGE_SIZE = 100


class BansosModelView(ModelView):
    """A ModelView whose pages never exceed MAX_PAGE_SIZE rows, whatever ``psize_*`` asks for."""

    page_size = 50

    def _get_list_widget(self, filters, *args, page_size=None, **kwargs):
        # psize_<View> comes straight from the URL; big pages mean slow counts and huge HTML.
        page_size = min(int(page_size or self.page_size), MAX_PAGE_SIZE)
        return super()._get_list_widget(filters, *args, page_size=page_size, **kwargs)
