"""API: an Idempotency-Key keeps the answer it was first given (idempotency_key.response_body)

A retried creation or submission answers with the body first sent, not one rebuilt from the
response as it is now. Keys remembered before this revision have no body (NULL): their
replays are rebuilt from the response, as before. Going back drops the bodies.

Revision ID: 0009_idempotent_answers
Revises: 0008_cross_project_tokens
Create Date: 2026-12-01 07:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009_idempotent_answers'
down_revision: str | None = '0008_cross_project_tokens'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('idempotency_key', schema=None) as batch_op:
        batch_op.add_column(sa.Column('response_body', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('idempotency_key', schema=None) as batch_op:
        batch_op.drop_column('response_body')
