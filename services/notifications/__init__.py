"""Notifications service: campaigns over SMS, WhatsApp and e-mail, Facebook/Instagram posts, inbound messages.

Owns the outbox (at most one delivery per recipient and channel), rate limits, quiet hours, opt-outs and
delivery receipts; a Flask API for webhooks and status, and a Celery worker on the notifications queue."""
