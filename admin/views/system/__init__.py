"""The landing page after login and the audit trail."""
