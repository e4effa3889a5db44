"""social posts (Facebook Page / Instagram), one row per (post_key, target)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 09:20:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'social_post',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('post_key', sa.String(length=200), nullable=False),
        sa.Column('target', sa.String(length=20), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('link', sa.String(length=500), nullable=True),
        sa.Column('image_url', sa.String(length=500), nullable=True),
        sa.Column('requested_by', sa.String(length=200), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('container_id', sa.String(length=100), nullable=True),
        sa.Column('provider_post_id', sa.String(length=100), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('claimed_by', sa.String(length=200), nullable=True),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('posted_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('post_key', 'target', name='uq_social_post_target'),
    )
    op.create_index(op.f('ix_social_post_status'), 'social_post', ['status'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_social_post_status'), table_name='social_post')
    op.drop_table('social_post')
