"""message.claimed_by: the task run that claimed a message (crash recovery); phone wide enough for e-mail

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(200), nullable=True))
        batch.alter_column("phone", type_=sa.String(200), existing_type=sa.String(20), existing_nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.drop_column("claimed_by")
        batch.alter_column("phone", type_=sa.String(20), existing_type=sa.String(200), existing_nullable=True)
