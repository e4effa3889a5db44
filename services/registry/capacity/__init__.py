"""Build capacity: trainings, certificates, business capital, community meetings, partners' workspaces.

Pure functions over a registry Session; the caller commits. Every change adds an AuditEntry."""
