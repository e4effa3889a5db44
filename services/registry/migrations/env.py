"""Alembic environment of the registry service (the shared body is in services/common/migrations.py)."""
from services.common.migrations import run_environment
from services.registry.models import Base

run_environment(Base.metadata)
