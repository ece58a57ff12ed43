"""response.created_by_api: whether the JSON API started a response

The API may change or submit only drafts it started itself (POST /rounds/{id}/responses); a
draft a respondent started through an invitation link is theirs, and the API's PUT, PATCH and
submit answer 409 (started-on-pages). Existing responses: the API's never had an invitation,
the pages' always had one (an invitation deleted since leaves none either: such a draft
counts as the API's, as before this column).

Revision ID: 0013_response_created_by_api
Revises: 0012_round_revision
Create Date: 2026-12-01 10:35:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0013_response_created_by_api'
down_revision: str | None = '0012_round_revision'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('created_by_api', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute("UPDATE response SET created_by_api = (invitation_id IS NULL)")


def downgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('created_by_api')
