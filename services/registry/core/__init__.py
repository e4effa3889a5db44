"""Shared foundations of the registry: declarative base, audit trail and its hash chain, NIK/KK/phone checks,
the Rupiah formatter, the alphabet of typed codes, reporting periods, roster and tabular file reading, bulk
loading. No Flask, no Celery."""
