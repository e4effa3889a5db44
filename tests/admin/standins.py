"""Local HTTP stand-ins for the notifications and reports APIs, speaking their documented shapes.

The admin talks to these services over HTTP; the stand-ins let the admin's client code (bearer token,
404 handling, proxying, filtering) be tested on a real socket with known data.
"""
from __future__ import annotations

from flask import Flask, abort, jsonify, request

from tests.helpers.servers import ServedApp

TOKEN = "demo-service-token"


def _service_app(routes) -> Flask:
    app = Flask("standin")
    app.config["seen"] = []

    @app.before_request
    def _auth():
        app.config["seen"].append((request.path, request.args.to_dict(flat=False)))
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return jsonify({"error": "Token layanan tidak sah"}), 401
        return None

    routes(app)
    return app


def notifications_routes(campaigns: dict):
    def add(app: Flask) -> None:
        @app.get("/api/campaigns")
        def campaigns_list():
            return jsonify({"campaigns": [{k: v for k, v in c.items() if k != "messages"} for c in campaigns.values()]})

        @app.get("/api/campaigns/<key>")
        def campaign(key):
            if key not in campaigns:
                abort(404)
            return jsonify(campaigns[key])

    return add


def reports_routes(runs: list, files: dict):
    """The reports API's answers over ``runs``, with its scoping: ``organisation_id`` (a partner) sees its
    own partner reports and the recipient lists of ``programme_id``; ``programme_id`` alone filters lists."""

    def in_scope(run) -> bool:
        organisations = {int(x) for x in request.args.getlist("organisation_id")}
        programmes = {int(x) for x in request.args.getlist("programme_id")}
        recipients = run.get("report", "programme_recipients") == "programme_recipients"
        if organisations:
            return run.get("organisation_id") in organisations or (recipients and run["programme_id"] in programmes)
        return not programmes or run["programme_id"] in programmes

    def add(app: Flask) -> None:
        @app.get("/api/runs")
        def runs_list():
            return jsonify({"runs": [r for r in runs if in_scope(r)]})

        @app.get("/api/runs/<int:run_id>")
        def run_detail(run_id):
            for run in runs:
                if run["id"] == run_id and in_scope(run):
                    return jsonify(run)
            abort(404)

        def artifact(artifact_id):
            for run in runs:
                for art in run["artifacts"]:
                    if art["id"] == artifact_id and in_scope(run):
                        return {**art, "programme_id": run["programme_id"], "run_key": run["run_key"],
                                "organisation_id": run.get("organisation_id"),
                                "report": run.get("report", "programme_recipients")}
            abort(404)

        @app.get("/api/artifacts/<int:artifact_id>")
        def artifact_meta(artifact_id):
            return jsonify(artifact(artifact_id))

        @app.get("/api/artifacts/<int:artifact_id>/download")
        def artifact_download(artifact_id):
            art = artifact(artifact_id)
            return files[artifact_id], 200, {"Content-Type": "application/octet-stream",
                                             "Content-Disposition": f'attachment; filename="{art["filename"]}"'}

    return add


class StandIn(ServedApp):
    """A Flask app answering ``routes`` behind the service token, served until ``close``."""

    def __init__(self, routes) -> None:
        super().__init__(_service_app(routes))

    @property
    def seen(self) -> list:
        return self.app.config["seen"]
