"""Ledger and audit chains per area: every existing entry and head joins the default desa's chain with
its hash unchanged, and numbers are unique within an area's chain

Revision ID: 0018_area_chains
Revises: 0017_areas
Create Date: 2026-12-04 19:30:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0018_area_chains'
down_revision: Union[str, Sequence[str], None] = '0017_areas'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# (entry table, head table): the area column goes on both; seq becomes unique per area.
CHAINS = (("ledger_entry", "ledger_head"), ("audit_entry", "audit_chain_head"))


def _add_area(table: str, desa_id) -> None:
    with op.batch_alter_table(table) as batch:
        batch.add_column(sa.Column('area_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f(f'fk_{table}_area_id_area'), 'area', ['area_id'], ['id'])
        batch.create_index(op.f(f'ix_{table}_area_id'), ['area_id'], unique=False)
    if desa_id is not None:
        op.get_bind().execute(sa.text(f"UPDATE {table} SET area_id = :desa WHERE area_id IS NULL"), {"desa": desa_id})


def upgrade() -> None:
    from services.registry.core.areas import default_desa_code

    bind = op.get_bind()
    desa_id = bind.execute(sa.text("SELECT id FROM area WHERE code = :code"), {"code": default_desa_code()}).scalar()
    for entries, head in CHAINS:
        _add_area(entries, desa_id)
        with op.batch_alter_table(entries) as batch:
            batch.drop_constraint(f'uq_{entries}_seq', type_='unique')
            batch.create_unique_constraint(f'uq_{entries}_area_seq', ['area_id', 'seq'])
        _add_area(head, desa_id)
        with op.batch_alter_table(head) as batch:
            batch.create_unique_constraint(f'uq_{head}_area', ['area_id'])
        if bind.dialect.name == "postgresql":
            # The one head row was written with id 1 by hand: the next area's head takes the next id.
            op.execute(f"SELECT setval(pg_get_serial_sequence('{head}', 'id'), (SELECT coalesce(max(id), 1) FROM {head}))")


def downgrade() -> None:
    for entries, head in CHAINS:
        with op.batch_alter_table(head) as batch:
            batch.drop_constraint(f'uq_{head}_area', type_='unique')
        with op.batch_alter_table(entries) as batch:
            batch.drop_constraint(f'uq_{entries}_area_seq', type_='unique')
            batch.create_unique_constraint(f'uq_{entries}_seq', ['seq'])
        for table in (head, entries):
            with op.batch_alter_table(table) as batch:
                batch.drop_index(op.f(f'ix_{table}_area_id'))
                batch.drop_constraint(op.f(f'fk_{table}_area_id_area'), type_='foreignkey')
                batch.drop_column('area_id')
