"""Reports service: report runs and their files, the public transparency site and the beat schedule.

Recipient lists and periodic reports (PDF with charts, XLSX, CSV, PNG) read the registry through a read-only
connection; runs and artifacts live in its own database. Flask API + Celery worker + beat."""
