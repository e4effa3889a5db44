"""ab_user.area_id: the desa, kecamatan or kabupaten whose data a user works on

Revision ID: a0003
Revises: a0002
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "a0003"
down_revision: Union[str, Sequence[str], None] = "a0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("ab_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("area_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_ab_user_area_id", "area", ["area_id"], ["id"])
        batch_op.create_index("ix_ab_user_area_id", ["area_id"])


def downgrade() -> None:
    with op.batch_alter_table("ab_user", schema=None) as batch_op:
        batch_op.drop_index("ix_ab_user_area_id")
        batch_op.drop_constraint("fk_ab_user_area_id", type_="foreignkey")
        batch_op.drop_column("area_id")
