"""Partner reports: secret links to one organisation's report of a round

``report_link`` holds each link's token hash (never the token), the round and organisation it
shows, who made it and when, when it was revoked and last opened.

Revision ID: 0010_report_links
Revises: 0009_idempotent_answers
Create Date: 2026-12-01 06:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db_types


revision: str = '0010_report_links'
down_revision: str | None = '0009_idempotent_answers'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('report_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', app.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', app.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_report_link_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_report_link_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_report_link_round_id_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_link')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_report_link_token_hash'))
    )
    with op.batch_alter_table('report_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_link_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_link_round_id'), ['round_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('report_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_link_round_id'))
        batch_op.drop_index(batch_op.f('ix_report_link_organisation_id'))
    op.drop_table('report_link')
