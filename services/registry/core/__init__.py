"""Shared foundations of the registry: declarative base, audit trail and its chain, identity checks, money,
periods, one-time codes, tabular reading and bulk loading. No Flask, no Celery."""
