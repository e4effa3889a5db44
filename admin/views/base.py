"""Shared settings of the admin's model views: bounded page sizes, Indonesian titles."""
from __future__ import annotations

from flask_appbuilder import ModelView

from services.registry.core.models.areas import InArea, refuse_outside_scope

MAX_PAGE_SIZE = 100


class BansosModelView(ModelView):
    """A ModelView whose pages never exceed MAX_PAGE_SIZE rows, whatever ``psize_*`` asks for."""

    page_size = 50

    def _get_list_widget(self, filters, *args, page_size=None, **kwargs):
        # psize_<View> comes straight from the URL; big pages mean slow counts and huge HTML.
        page_size = min(int(page_size or self.page_size), MAX_PAGE_SIZE)
        return super()._get_list_widget(filters, *args, page_size=page_size, **kwargs)

    # The registry's flush guard refuses changes outside the user's areas whatever the screen; checked
    # here first as well so that FAB shows its message instead of a general database error.
    def pre_add(self, item):
        if not isinstance(item, InArea) or item.area_id is not None:
            refuse_outside_scope(self.datamodel.session, item)

    def pre_update(self, item):
        refuse_outside_scope(self.datamodel.session, item)

    def pre_delete(self, item):
        refuse_outside_scope(self.datamodel.session, item)
