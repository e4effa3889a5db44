"""Bank channel: the programme's payment channel and paying account; what a bank statement covered

Revision ID: 0014_bank
Revises: 0004_registry
Create Date: 2026-12-03 18:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0014_bank'
down_revision: Union[str, Sequence[str], None] = '0004_registry'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('programme') as batch:
        batch.add_column(sa.Column('payment_channel', sa.String(length=20), server_default='tunai', nullable=False))
        batch.add_column(sa.Column('paying_account', sa.String(length=34), nullable=True))
    with op.batch_alter_table('bank_statement') as batch:
        batch.add_column(sa.Column('cycle_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('message_version', sa.String(length=30), nullable=True))
        batch.add_column(sa.Column('summary', sa.JSON(), nullable=True))
        batch.create_foreign_key('fk_bank_statement_cycle', 'cycle', ['cycle_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('bank_statement') as batch:
        batch.drop_constraint('fk_bank_statement_cycle', type_='foreignkey')
        batch.drop_column('summary')
        batch.drop_column('message_version')
        batch.drop_column('cycle_id')
    with op.batch_alter_table('programme') as batch:
        batch.drop_column('paying_account')
        batch.drop_column('payment_channel')
