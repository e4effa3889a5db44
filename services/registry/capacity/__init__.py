"""Capacity building and partnerships (issue 7): trainings, certificates, business capital, meetings.

Pure functions over a registry Session; the caller commits. Every change adds an AuditEntry."""
