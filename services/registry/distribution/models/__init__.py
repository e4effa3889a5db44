"""Models of this domain. Import models from ``services.registry.models``, which re-exports every one."""
# Importing any one model module loads them all, so relationships by name resolve and every
# AuditEntry flush is chained, whichever module a caller happened to import first.
import services.registry.models  # noqa: F401, E402
