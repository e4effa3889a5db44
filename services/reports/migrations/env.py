"""Alembic environment of the reports service (the shared body is in services/common/migrations.py)."""
from services.common.migrations import run_environment
from services.reports.models import Base

run_environment(Base.metadata)
