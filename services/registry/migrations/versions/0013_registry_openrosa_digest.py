"""OpenRosa Digest auth: enumerator HA1 and the used nonce counts (replay protection)

Revision ID: 0004_registry
Revises: 0004_partner
Create Date: 2026-11-29 09:20:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0004_registry'
down_revision: Union[str, Sequence[str], None] = '0004_partner'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('survey_enumerator') as batch:
        batch.add_column(sa.Column('digest_ha1', sa.String(length=32), nullable=True))
    op.create_table('openrosa_nonce_use',
    sa.Column('nonce', sa.String(length=80), nullable=False),
    sa.Column('nc', sa.Integer(), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('nonce', 'nc')
    )
    op.create_index('ix_openrosa_nonce_use_used_at', 'openrosa_nonce_use', ['used_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_openrosa_nonce_use_used_at', table_name='openrosa_nonce_use')
    op.drop_table('openrosa_nonce_use')
    with op.batch_alter_table('survey_enumerator') as batch:
        batch.drop_column('digest_ha1')
