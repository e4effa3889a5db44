"""Watchdog runs: each scheduled pass over stuck entitlement generations, exports and bank-result imports

Revision ID: 0005_watchdog
Revises: 0014_bank
Create Date: 2026-12-03 19:10:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0005_watchdog'
down_revision: Union[str, Sequence[str], None] = '0014_bank'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('watchdog_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ran_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('entitlements', sa.Integer(), nullable=False),
    sa.Column('exports', sa.Integer(), nullable=False),
    sa.Column('statements', sa.Integer(), nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_watchdog_run_ran_at', 'watchdog_run', ['ran_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_watchdog_run_ran_at', table_name='watchdog_run')
    op.drop_table('watchdog_run')
