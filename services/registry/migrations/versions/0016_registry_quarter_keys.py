"""Quarterly indicator values keyed YYYY-Qn, the one quarter naming of core/periods.py (was YYYY-Tn)

Revision ID: 0016_quarter_keys
Revises: 0005_watchdog
Create Date: 2026-12-04 13:40:00

"""
from typing import Sequence, Union

from alembic import op

revision: str = '0016_quarter_keys'
down_revision: Union[str, Sequence[str], None] = '0005_watchdog'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # A recomputation looks its row up by key: an old "2026-T1" row would otherwise sit beside a new
    # "2026-Q1" one and the trend would show the quarter twice.
    op.execute("UPDATE indicator_value SET period = substr(period, 1, 5) || 'Q' || substr(period, 7, 1) "
               "WHERE period LIKE '____-T_'")


def downgrade() -> None:
    op.execute("UPDATE indicator_value SET period = substr(period, 1, 5) || 'T' || substr(period, 7, 1) "
               "WHERE period LIKE '____-Q_'")
