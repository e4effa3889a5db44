"""capital payouts and repayments in the ledger; capital grants draw on a funding source

Revision ID: 0004_partner
Revises: 0004_indicators
Create Date: 2026-11-29 09:20:00

A ledger entry now names either a cycle (entitlements) or a capital grant (payouts, repayments), so
``ledger_entry.cycle_id`` becomes nullable and ``capital_grant_id`` is added. Existing rows keep their
hashes (the grant id is hashed only when set).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0004_partner'
down_revision: Union[str, Sequence[str], None] = '0004_indicators'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('capital_grant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('funding_source_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_capital_grant_funding_source_id'), ['funding_source_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_capital_grant_funding_source_id_funding_source'),
                                    'funding_source', ['funding_source_id'], ['id'])
    with op.batch_alter_table('capital_disbursement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('collector_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('collector_name', sa.String(length=150), nullable=True))
        batch_op.add_column(sa.Column('location', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('handed_over_by', sa.String(length=150), nullable=True))
        batch_op.add_column(sa.Column('bank_account_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('bank_reference', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('ledger_seq', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_capital_disbursement_collector_id_person'),
                                    'person', ['collector_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_capital_disbursement_bank_account_id_bank_account'),
                                    'bank_account', ['bank_account_id'], ['id'])
    with op.batch_alter_table('loan_payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ledger_seq', sa.Integer(), nullable=True))
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.alter_column('cycle_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('capital_grant_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_ledger_entry_capital_grant_id'), ['capital_grant_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_ledger_entry_capital_grant_id_capital_grant'),
                                    'capital_grant', ['capital_grant_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ledger_entry_capital_grant_id_capital_grant'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_ledger_entry_capital_grant_id'))
        batch_op.drop_column('capital_grant_id')
        batch_op.alter_column('cycle_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('loan_payment', schema=None) as batch_op:
        batch_op.drop_column('ledger_seq')
    with op.batch_alter_table('capital_disbursement', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_capital_disbursement_bank_account_id_bank_account'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_capital_disbursement_collector_id_person'), type_='foreignkey')
        for column in ('ledger_seq', 'bank_reference', 'bank_account_id', 'handed_over_by', 'location',
                       'collector_name', 'collector_id'):
            batch_op.drop_column(column)
    with op.batch_alter_table('capital_grant', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_capital_grant_funding_source_id_funding_source'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_capital_grant_funding_source_id'))
        batch_op.drop_column('funding_source_id')
