"""Outbox of notification batches: each send_batch payload until notifications acknowledges it

Revision ID: 0021_outbox
Revises: 0020_export
Create Date: 2026-12-04 20:20:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0021_outbox'
down_revision: Union[str, Sequence[str], None] = '0020_export'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('outbox_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_key', sa.String(length=200), nullable=False),
    sa.Column('batch_no', sa.Integer(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sends', sa.Integer(), nullable=False),
    sa.Column('acked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('campaign_key', 'batch_no', name='uq_outbox_batch')
    )
    op.create_index('ix_outbox_batch_acked_at', 'outbox_batch', ['acked_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_outbox_batch_acked_at', table_name='outbox_batch')
    op.drop_table('outbox_batch')
