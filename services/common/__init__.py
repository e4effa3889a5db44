"""What every service shares: settings, Celery factory, task contracts, db, /health, migrations, auth, privacy.

Also the app factory body, logging, phone numbers, request input guards, OpenAPI serving, security headers
and spreadsheet-safe cells; nothing domain-specific lives here."""
