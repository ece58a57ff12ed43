"""indexes for organisation aggregates whose query plan does not depend on table statistics

- ``ix_response_aggregate`` (``round_id``, ``organisation_id``, ``status``, ``public_id``):
  the submitted responses of one organisation in one round, found by equality on the first
  three columns; their public ids (which name the set a cached aggregate summarises) come
  from the index alone.
- ``ix_response_score_aggregate`` (``response_id``, ``kind``, ``target_id``, ``score``): the
  scores of each such response, read from the index alone.

Without them the planner chose the ``kind`` index of the score table and read every score
row of the database (2.9 s at 100,000 responses, 1 ms after ``ANALYZE``): the page slowed with
the whole database, not with the organisation. With them the plan is the same with and without
statistics (a test checks it on both databases).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 23:50:00
"""
from collections.abc import Sequence

from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.create_index(
            'ix_response_aggregate',
            ['round_id', 'organisation_id', 'status', 'public_id'],
            unique=False,
        )
    with op.batch_alter_table('response_score', schema=None) as batch_op:
        batch_op.create_index(
            'ix_response_score_aggregate',
            ['response_id', 'kind', 'target_id', 'score'],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table('response_score', schema=None) as batch_op:
        batch_op.drop_index('ix_response_score_aggregate')
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('ix_response_aggregate')
