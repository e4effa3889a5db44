"""Dedup cases across villages: each case is linked to every village its members live in, and each member
remembers its village; existing cases belong to the village of their members (the default desa)

Revision ID: 0019_dedup_areas
Revises: 0018_area_chains
Create Date: 2026-12-04 19:40:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0019_dedup_areas'
down_revision: Union[str, Sequence[str], None] = '0018_area_chains'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    from services.registry.core.areas import default_desa_code

    op.create_table(
        'dedup_cluster_area',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cluster_id', sa.Integer(), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_dedup_cluster_area_area_id_area')),
        sa.ForeignKeyConstraint(['cluster_id'], ['dedup_cluster.id'], ondelete='CASCADE',
                                name=op.f('fk_dedup_cluster_area_cluster_id_dedup_cluster')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dedup_cluster_area')),
        sa.UniqueConstraint('cluster_id', 'area_id', name='uq_dedup_cluster_area'),
    )
    op.create_index(op.f('ix_dedup_cluster_area_area_id'), 'dedup_cluster_area', ['area_id'], unique=False)
    op.create_index(op.f('ix_dedup_cluster_area_cluster_id'), 'dedup_cluster_area', ['cluster_id'], unique=False)
    with op.batch_alter_table('dedup_member') as batch:
        batch.add_column(sa.Column('area_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f('fk_dedup_member_area_id_area'), 'area', ['area_id'], ['id'])
        batch.create_index(op.f('ix_dedup_member_area_id'), ['area_id'], unique=False)
    # A member's village is its household's; a member whose household is gone (merged) the default desa's.
    op.execute("UPDATE dedup_member SET area_id = (SELECT household.area_id FROM household "
               "WHERE household.id = dedup_member.household_id)")
    bind = op.get_bind()
    desa_id = bind.execute(sa.text("SELECT id FROM area WHERE code = :code"), {"code": default_desa_code()}).scalar()
    if desa_id is not None:
        bind.execute(sa.text("UPDATE dedup_member SET area_id = :desa WHERE area_id IS NULL"), {"desa": desa_id})
    op.execute("INSERT INTO dedup_cluster_area (cluster_id, area_id) SELECT DISTINCT cluster_id, area_id "
               "FROM dedup_member WHERE area_id IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('dedup_member') as batch:
        batch.drop_index(op.f('ix_dedup_member_area_id'))
        batch.drop_constraint(op.f('fk_dedup_member_area_id_area'), type_='foreignkey')
        batch.drop_column('area_id')
    op.drop_index(op.f('ix_dedup_cluster_area_cluster_id'), table_name='dedup_cluster_area')
    op.drop_index(op.f('ix_dedup_cluster_area_area_id'), table_name='dedup_cluster_area')
    op.drop_table('dedup_cluster_area')
