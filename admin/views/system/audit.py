"""Jejak audit: every add, change and delete made through the admin, and a read-only list of it."""
from __future__ import annotations

import io
import json

from flask import Response, g, stream_with_context
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import inspect, select

from admin.views.base import BansosModelView
from services.common.spreadsheet import SafeCsvWriter
from services.registry.core.audit import record
from services.registry.core.audit_chain import verify
from services.registry.models import Area, AuditEntry


def changed_columns(item) -> dict:
    """``{column: [old, new]}`` for the columns modified on ``item`` in this unit of work."""
    changes = {}
    for attr in inspect(item).mapper.column_attrs:
        history = inspect(item).attrs[attr.key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            changes[attr.key] = [old, new]  # made JSON-safe by record()
    return changes


def audit_entry(session, action: str, item, details: dict | None = None) -> AuditEntry:
    """An entry about ``item`` in ``session``, by the signed-in admin user."""
    user = getattr(g, "user", None)
    return record(session, getattr(user, "username", None) or "admin", action, item.__tablename__,
                  getattr(item, "id", None), **(details or {}))


class AuditedModelView(BansosModelView):
    """Writes an AuditEntry for each change; updates and deletes in the same transaction as the change."""

    def pre_update(self, item):
        super().pre_update(item)
        audit_entry(self.datamodel.session, "update", item, changed_columns(item))

    def pre_delete(self, item):
        super().pre_delete(item)
        audit_entry(self.datamodel.session, "delete", item)

    def post_add(self, item):
        # The new row's id exists only after FAB's commit, so this entry has a short commit of its own.
        session = self.datamodel.session
        columns = inspect(item).mapper.column_attrs.keys()
        audit_entry(session, "create", item, {key: getattr(item, key) for key in columns})
        session.commit()


class AuditView(BansosModelView):
    datamodel = SQLAInterface(AuditEntry)
    class_permission_name = "AuditView"
    route_base = "/audit"
    base_permissions = ["can_list", "can_show", "can_export", "can_verify"]
    list_template = "admin/audit_list.html"
    list_title = "Jejak Audit"
    show_title = "Entri Audit"
    list_columns = ["seq", "at", "actor", "source", "action", "entity", "entity_id"]
    show_columns = ["seq", "at", "actor", "source", "action", "entity", "entity_id", "details", "prev_hash", "hash"]
    search_columns = ["actor", "action", "entity", "entity_id"]
    order_columns = ["at", "actor", "entity"]
    base_order = ("id", "desc")
    label_columns = {"at": "Waktu", "actor": "Pelaku", "action": "Tindakan", "entity": "Data", "entity_id": "No. data",
                     "details": "Rincian", "seq": "No.", "source": "Dari", "prev_hash": "Hash sebelumnya",
                     "hash": "Hash"}

    @expose("/export.csv")
    @has_access
    def export(self):
        """The whole trail as CSV, streamed, with the chain fields so a copy can be checked elsewhere."""
        session = self.datamodel.session
        # One chain after another (each area's own numbering), so a copy can be re-chained per area.
        query = select(AuditEntry).order_by(AuditEntry.area_id, AuditEntry.seq).execution_options(yield_per=1000)
        codes = dict(session.execute(select(Area.id, Area.code)).all())

        def rows():
            buffer = io.StringIO()
            writer = SafeCsvWriter(buffer)
            writer.writerow(["NO", "WAKTU", "PELAKU", "DARI", "TINDAKAN", "DATA", "NO_DATA", "RINCIAN",
                             "HASH_SEBELUMNYA", "HASH", "KODE_WILAYAH"])
            for entry in session.execute(query).scalars():
                writer.writerow([entry.seq, entry.at.isoformat() if entry.at else "", entry.actor, entry.source,
                                 entry.action, entry.entity, entry.entity_id,
                                 json.dumps(entry.details, ensure_ascii=False, default=str), entry.prev_hash,
                                 entry.hash, codes.get(entry.area_id, "")])
                if buffer.tell() > 64 * 1024:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
            yield buffer.getvalue()

        return Response(stream_with_context(rows()), mimetype="text/csv",
                        headers={"Content-Disposition": "attachment; filename=jejak-audit.csv"})

    @expose("/verify")
    @has_access
    def verify(self):
        check = verify(self.datamodel.session)
        return self.render_template("admin/audit_verify.html", check=check)
