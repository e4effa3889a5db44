"""Administrative areas by Kemendagri code; every household, region, programme and the work around
them belongs to one; an existing database of one village becomes its default desa

Revision ID: 0017_areas
Revises: 0016_quarter_keys
Create Date: 2026-12-04 19:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0017_areas'
down_revision: Union[str, Sequence[str], None] = '0016_quarter_keys'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

AREA_TABLES = ("household", "region", "import_job", "organisation", "programme", "cycle", "funding_source",
               "partner_agreement", "training", "community_meeting", "complaint", "indicator", "indicator_value")
# (table, column, old constraint, new constraint): unique within an area instead of the install.
PER_AREA = (("organisation", "name", "uq_organisation_name", "uq_organisation_area_name"),
            ("programme", "code", "uq_programme_code", "uq_programme_area_code"),
            ("indicator", "code", "uq_indicator_code", "uq_indicator_area_code"),
            ("region", "code", "uq_region_code", "uq_region_area_code"))


def upgrade() -> None:
    from services.registry.core.areas import default_desa_code, shipped_codes

    area = op.create_table(
        'area',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=13), nullable=False),
        sa.Column('level', sa.String(length=10), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('parent_id', sa.Integer(), nullable=True),
        sa.Column('head_title', sa.String(length=40), nullable=True),
        sa.Column('head_name', sa.String(length=150), nullable=True),
        sa.Column('address', sa.String(length=255), nullable=True),
        sa.Column('phone', sa.String(length=30), nullable=True),
        sa.Column('email', sa.String(length=120), nullable=True),
        sa.Column('sms_sender', sa.String(length=11), nullable=True),
        sa.Column('logo_path', sa.String(length=255), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['parent_id'], ['area.id'], name=op.f('fk_area_parent_id_area')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_area')),
    )
    op.create_index(op.f('ix_area_code'), 'area', ['code'], unique=True)
    op.create_index(op.f('ix_area_level'), 'area', ['level'], unique=False)
    op.create_index(op.f('ix_area_parent_id'), 'area', ['parent_id'], unique=False)

    # The default desa and its ancestors, from the shipped Kemendagri list; ids follow the levels so
    # the parent of each is the row before it.
    code = default_desa_code()
    wanted = [code.rsplit(".", n)[0] for n in range(code.count("."), 0, -1)] + [code]
    names = {c.code: c.name for c in shipped_codes()}
    missing = [c for c in wanted if c not in names]
    if missing:
        raise RuntimeError(f"BANSOS_DEFAULT_DESA={code}: kode {', '.join(missing)} tidak ada di daftar Kemendagri")
    levels = ("provinsi", "kabupaten", "kecamatan", "desa")
    now = sa.func.now() if op.get_bind().dialect.name == "postgresql" else sa.text("CURRENT_TIMESTAMP")
    bind = op.get_bind()
    for number, item in enumerate(wanted, start=1):
        bind.execute(area.insert().values(id=number, code=item, level=levels[number - 1], name=names[item],
                                          parent_id=number - 1 or None, updated_at=now))
    if bind.dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('area', 'id'), (SELECT max(id) FROM area))")
    desa_id = len(wanted)

    for table in AREA_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('area_id', sa.Integer(), nullable=True))
            batch.create_foreign_key(op.f(f'fk_{table}_area_id_area'), 'area', ['area_id'], ['id'])
            batch.create_index(op.f(f'ix_{table}_area_id'), ['area_id'], unique=False)
        op.execute(f"UPDATE {table} SET area_id = {desa_id} WHERE area_id IS NULL")
    for table, column, old, new in PER_AREA:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(old, type_='unique')
            batch.create_unique_constraint(new, ['area_id', column])


def downgrade() -> None:
    for table, column, old, new in PER_AREA:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(new, type_='unique')
            batch.create_unique_constraint(old, [column])
    for table in AREA_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(op.f(f'ix_{table}_area_id'))
            batch.drop_constraint(op.f(f'fk_{table}_area_id_area'), type_='foreignkey')
            batch.drop_column('area_id')
    op.drop_index(op.f('ix_area_parent_id'), table_name='area')
    op.drop_index(op.f('ix_area_level'), table_name='area')
    op.drop_index(op.f('ix_area_code'), table_name='area')
    op.drop_table('area')
