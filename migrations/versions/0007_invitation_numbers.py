"""invitation numbers per round: #1, #2 ... within each round

``invitation.number`` names a link inside its round (the pages' "#3", ``radar invitations
revoke net Baseline 3``), so numbers no longer depend on how many links other rounds have.
Existing links are numbered per round in the order they were made (by id), then the column
becomes NOT NULL with ``unique(round_id, number)``. Downgrading drops the column; ids stay.

Revision ID: 0007_invitation_numbers
Revises: 0006_round_settings
Create Date: 2026-12-01 02:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007_invitation_numbers'
down_revision: str | None = '0006_round_settings'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# portable on SQLite and PostgreSQL: the link's place among its round's links by id
BACKFILL = (
    "UPDATE invitation SET number = (SELECT count(*) FROM invitation AS earlier "
    "WHERE earlier.round_id = invitation.round_id AND earlier.id <= invitation.id)"
)


def upgrade() -> None:
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number', sa.Integer(), nullable=True))
    op.execute(BACKFILL)
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.alter_column('number', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f('uq_invitation_round_id_number'), ['round_id', 'number']
        )


def downgrade() -> None:
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_invitation_round_id_number'), type_='unique')
        batch_op.drop_column('number')
