"""links that do not leak, anonymous rounds that stay anonymous

- ``response.client_key`` is dropped (never used).
- ``response.resume_generation`` and ``response.resume_expires_at``: the personal link is
  derived from the response and a generation counter, and expires.
- ``web_session.invitation_id`` and ``web_session.link_generation`` record which link opened a
  session (revoking or replacing that link ends it); ``web_session.day_only`` marks read-only
  sessions of submitted anonymous responses, whose times keep only the day.

Existing data is brought under the new rules, every row kept: personal links of submitted
responses stop working, live ones work for 31 more days; in anonymous rounds submitted
responses lose their invitation reference, their times, sessions and stored scores keep only
the day,
and single-use invitations lose their free-text label.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 20:00:00
"""
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
import uuid

import sqlalchemy as sa
from alembic import op

import app.db_types


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINK_DAYS_FOR_EXISTING = 31

_round = sa.table('round', sa.column('id', sa.Integer()), sa.column('anonymous', sa.Boolean()))
_invitation = sa.table(
    'invitation',
    sa.column('id', sa.Integer()),
    sa.column('round_id', sa.Integer()),
    sa.column('multi_use', sa.Boolean()),
    sa.column('label', sa.String()),
)
_response = sa.table(
    'response',
    sa.column('id', sa.Integer()),
    sa.column('round_id', sa.Integer()),
    sa.column('invitation_id', sa.Integer()),
    sa.column('status', sa.String()),
    sa.column('resume_token_hash', sa.String()),
    sa.column('resume_expires_at', app.db_types.UTCDateTime(timezone=True)),
    sa.column('created_at', app.db_types.UTCDateTime(timezone=True)),
    sa.column('updated_at', app.db_types.UTCDateTime(timezone=True)),
    sa.column('consented_at', app.db_types.UTCDateTime(timezone=True)),
    sa.column('submitted_at', app.db_types.UTCDateTime(timezone=True)),
    sa.column('client_key', sa.String()),
)
_score = sa.table(
    'response_score',
    sa.column('response_id', sa.Integer()),
    sa.column('computed_at', app.db_types.UTCDateTime(timezone=True)),
)
_web_session = sa.table(
    'web_session',
    sa.column('response_id', sa.Integer()),
    sa.column('invitation_id', sa.Integer()),
    sa.column('link_generation', sa.Integer()),
    sa.column('day_only', sa.Boolean()),
    sa.column('created_at', app.db_types.UTCDateTime(timezone=True)),
    sa.column('last_seen_at', app.db_types.UTCDateTime(timezone=True)),
    sa.column('expires_at', app.db_types.UTCDateTime(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_constraint('uq_response_client_key', type_='unique')
        batch_op.drop_column('client_key')
        batch_op.add_column(
            sa.Column('resume_generation', sa.Integer(), nullable=False, server_default='0')
        )
        batch_op.add_column(
            sa.Column('resume_expires_at', app.db_types.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invitation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('link_generation', sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column('day_only', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index(
            batch_op.f('ix_web_session_invitation_id'), ['invitation_id'], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_web_session_invitation_id_invitation'),
            'invitation',
            ['invitation_id'],
            ['id'],
            ondelete='CASCADE',
        )
    _existing_data_under_new_rules()


def _existing_data_under_new_rules() -> None:
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    submitted = _response.c.status == 'submitted'
    op.execute(_response.update().where(submitted).values(resume_token_hash=None))
    op.execute(
        _response.update()
        .where(_response.c.resume_token_hash.is_not(None))
        .values(resume_expires_at=today + timedelta(days=LINK_DAYS_FOR_EXISTING))
    )
    anonymous_rounds = sa.select(_round.c.id).where(_round.c.anonymous.is_(True))
    anonymous_submitted = sa.select(_response.c.id).where(
        submitted, _response.c.round_id.in_(anonymous_rounds)
    )
    op.execute(
        _invitation.update()
        .where(_invitation.c.multi_use.is_(False), _invitation.c.round_id.in_(anonymous_rounds))
        .values(label='')
    )
    op.execute(
        _web_session.update()
        .where(_web_session.c.response_id.in_(anonymous_submitted))
        .values(
            invitation_id=None,
            link_generation=None,
            day_only=True,
            created_at=today,
            last_seen_at=today,
            expires_at=today + timedelta(days=2),
        )
    )
    connection = op.get_bind()
    times = ('created_at', 'updated_at', 'consented_at', 'submitted_at')
    rows = connection.execute(
        sa.select(_response.c.id, *(_response.c[name] for name in times)).where(
            _response.c.round_id.in_(anonymous_rounds)
        )
    ).all()
    for response_id, *moments in rows:
        days = {name: _day(moment) for name, moment in zip(times, moments, strict=True)}
        connection.execute(
            _response.update().where(_response.c.id == response_id).values(**days)
        )
        connection.execute(
            _score.update()
            .where(_score.c.response_id == response_id)
            .values(computed_at=days['submitted_at'] or days['created_at'])
        )
    op.execute(
        _response.update()
        .where(_response.c.id.in_(anonymous_submitted))
        .values(invitation_id=None)
    )


def _day(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.replace(hour=0, minute=0, second=0, microsecond=0)


def downgrade() -> None:
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_web_session_invitation_id_invitation'), type_='foreignkey'
        )
        batch_op.drop_index(batch_op.f('ix_web_session_invitation_id'))
        batch_op.drop_column('day_only')
        batch_op.drop_column('link_generation')
        batch_op.drop_column('invitation_id')
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('resume_expires_at')
        batch_op.drop_column('resume_generation')
        batch_op.add_column(sa.Column('client_key', sa.String(length=128), nullable=True))
    connection = op.get_bind()
    for (response_id,) in connection.execute(sa.select(_response.c.id)).all():
        connection.execute(
            _response.update()
            .where(_response.c.id == response_id)
            .values(client_key=uuid.uuid4().hex)
        )
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.alter_column('client_key', existing_type=sa.String(length=128), nullable=False)
        batch_op.create_unique_constraint('uq_response_client_key', ['client_key'])
