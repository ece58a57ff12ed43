"""API: cross-project tokens (an admin's), api_token.project_id NULL meaning every project

A token without a project reaches every project; project tokens are unchanged. Going back
deletes the cross-project tokens (with their idempotency keys): the old schema cannot hold
them, and a token that would silently become bound to some project would be worse.

Revision ID: 0008_cross_project_tokens
Revises: 0007_invitation_numbers
Create Date: 2026-12-01 02:50:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008_cross_project_tokens'
down_revision: str | None = '0007_invitation_numbers'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.alter_column('project_id', existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM idempotency_key WHERE token_id IN "
               "(SELECT id FROM api_token WHERE project_id IS NULL)")
    op.execute("DELETE FROM api_token WHERE project_id IS NULL")
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.alter_column('project_id', existing_type=sa.Integer(), nullable=False)
