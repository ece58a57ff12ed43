"""facilitator accounts: password-reset links, archived projects, partner attributes

- ``user_account.reset_token_hash`` / ``reset_expires_at``: one admin-issued one-time
  password-reset link per account (only its hash is stored).
- ``project.archived_at``: an archived project leaves the lists but keeps all its data.
- ``organisation.population``, ``foreign_born_share`` (percent) and ``area_type`` (urban or
  rural): optional attributes of a partner.

Existing rows keep every value; the new columns start empty.

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-30 23:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db_types


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reset_token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column('reset_expires_at', app.db_types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_unique_constraint(
            batch_op.f('uq_user_account_reset_token_hash'), ['reset_token_hash']
        )
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('archived_at', app.db_types.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('population', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('foreign_born_share', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('area_type', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('area_type')
        batch_op.drop_column('foreign_born_share')
        batch_op.drop_column('population')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_user_account_reset_token_hash'), type_='unique')
        batch_op.drop_column('reset_expires_at')
        batch_op.drop_column('reset_token_hash')
