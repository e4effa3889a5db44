"""Notifications service: campaigns of SMS messages delivered by Celery workers."""
