"""Alembic environment of the notifications service (the shared body is in services/common/migrations.py)."""
from services.common.migrations import run_environment
from services.notifications.models import Base

run_environment(Base.metadata)
