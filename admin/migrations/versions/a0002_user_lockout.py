"""ab_user.locked_until: account lockout after repeated failed logins

Revision ID: a0002
Revises: a0001
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "a0002"
down_revision: Union[str, Sequence[str], None] = "a0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("ab_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ab_user", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
