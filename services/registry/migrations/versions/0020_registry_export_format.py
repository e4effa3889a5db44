"""Payment export format: the programme's default bank file layout, the batch's own choice and file

Revision ID: 0020_export
Revises: 0019_dedup_areas
Create Date: 2026-12-04 19:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0020_export'
down_revision: Union[str, Sequence[str], None] = '0019_dedup_areas'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('programme') as batch:
        batch.add_column(sa.Column('payment_export', sa.String(length=30), server_default='pain.001.001.03',
                                   nullable=False))
    with op.batch_alter_table('payment_batch') as batch:
        batch.add_column(sa.Column('export_format', sa.String(length=30), nullable=True))
        batch.add_column(sa.Column('export_path', sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('payment_batch') as batch:
        batch.drop_column('export_path')
        batch.drop_column('export_format')
    with op.batch_alter_table('programme') as batch:
        batch.drop_column('payment_export')
