"""The landing page after login, the audit trail and the watchdog passes (Pemantau pekerjaan macet)."""
