"""round.revision: a counter of settings changes, so two tabs cannot lose an edit silently

Every change of a round's settings (edit, extend, close, reopen) increments it; a form posts
the revision it showed, and a stale one is refused with the current values (409). Existing
rounds start at 1.

Revision ID: 0012_round_revision
Revises: 0011_export_jobs
Create Date: 2026-12-01 06:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0012_round_revision'
down_revision: str | None = '0011_export_jobs'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('revision', sa.Integer(), nullable=False, server_default='1')
        )


def downgrade() -> None:
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_column('revision')
