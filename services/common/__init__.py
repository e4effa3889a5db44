"""What every service shares: settings, the Celery factory, task contracts, db and health helpers."""
