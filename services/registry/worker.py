"""Celery entry point: ``celery -A services.registry.worker worker -Q registry``."""
from services.registry.app import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
