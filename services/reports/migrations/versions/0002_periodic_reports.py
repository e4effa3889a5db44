"""Periodic reports: period, partner organisation, figures and their SHA-256 on each run.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report_run") as batch:
        batch.add_column(sa.Column("period", sa.String(10)))
        batch.add_column(sa.Column("organisation_id", sa.Integer))
        batch.add_column(sa.Column("figures", sa.JSON))
        batch.add_column(sa.Column("figures_sha256", sa.String(64)))
        batch.create_index("ix_report_run_period", ["period"])
        batch.create_index("ix_report_run_organisation_id", ["organisation_id"])


def downgrade() -> None:
    with op.batch_alter_table("report_run") as batch:
        batch.drop_index("ix_report_run_organisation_id")
        batch.drop_index("ix_report_run_period")
        batch.drop_column("figures_sha256")
        batch.drop_column("figures")
        batch.drop_column("organisation_id")
        batch.drop_column("period")
