"""campaign chunks: a campaign's messages are stored before any task is sent, in numbered chunks

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 18:50:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'campaign_chunk',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('chunk_no', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('runs', sa.Integer(), nullable=False),
        sa.Column('claimed_by', sa.String(length=200), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('enqueued_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('not_before', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('campaign_id', 'chunk_no', 'channel', name='uq_campaign_chunk'),
    )
    op.create_index(op.f('ix_campaign_chunk_status'), 'campaign_chunk', ['status'], unique=False)
    with op.batch_alter_table('message') as batch:
        batch.add_column(sa.Column('chunk_no', sa.Integer(), nullable=True))
    op.create_index('ix_message_chunk', 'message', ['campaign_id', 'chunk_no'], unique=False)
    with op.batch_alter_table('campaign') as batch:
        batch.add_column(sa.Column('fallback', sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('campaign') as batch:
        batch.drop_column('fallback')
    op.drop_index('ix_message_chunk', table_name='message')
    with op.batch_alter_table('message') as batch:
        batch.drop_column('chunk_no')
    op.drop_index(op.f('ix_campaign_chunk_status'), table_name='campaign_chunk')
    op.drop_table('campaign_chunk')
