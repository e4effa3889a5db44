"""Celery entry point: ``celery -A services.reports.worker worker -Q reports`` (and ``... beat``)."""
from services.reports.app import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
