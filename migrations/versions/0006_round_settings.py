"""round settings: minimum group size, stakeholder groups, a notice per language

- ``round.min_group_size`` (nullable): the smallest group an aggregate of the round shows;
  NULL means the project's.
- ``round.stakeholder_groups`` (JSON list of ``{"key": slug, "labels": {lang: label}}``).
- ``round.privacy_notices`` (JSON ``{lang: text}``) replaces ``round.privacy_notice``: an
  existing notice is carried over under the default language of the round's questionnaire
  version (a blank one becomes no entry). The downgrade writes that language's notice back.

Revision ID: 0006_round_settings
Revises: 0005
Create Date: 2026-12-01 03:00:00
"""
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op


revision: str = '0006_round_settings'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FALLBACK_LANGUAGE = 'en'  # a stored definition always names its default; this is for damage

_round = sa.table(
    'round',
    sa.column('id', sa.Integer()),
    sa.column('questionnaire_version_id', sa.Integer()),
    sa.column('privacy_notice', sa.String()),
    sa.column('privacy_notices', sa.JSON()),
    sa.column('stakeholder_groups', sa.JSON()),
)
_version = sa.table(
    'questionnaire_version', sa.column('id', sa.Integer()), sa.column('definition', sa.JSON())
)


def _default_languages() -> dict[int, str]:
    """Each version's default language, read from its stored definition."""
    rows = op.get_bind().execute(sa.select(_version.c.id, _version.c.definition)).all()
    return {version_id: _default_language(definition) for version_id, definition in rows}


def _default_language(definition: Any) -> str:
    if isinstance(definition, Mapping):
        language = definition.get('default_language')
        if isinstance(language, str) and language:
            return language
        languages = definition.get('languages')
        if isinstance(languages, list) and languages and isinstance(languages[0], str):
            return languages[0]
    return FALLBACK_LANGUAGE


def upgrade() -> None:
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('min_group_size', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('privacy_notices', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('stakeholder_groups', sa.JSON(), nullable=True))
    connection = op.get_bind()
    defaults = _default_languages()
    rows = connection.execute(
        sa.select(_round.c.id, _round.c.questionnaire_version_id, _round.c.privacy_notice)
    ).all()
    for round_id, version_id, notice in rows:
        notices = {defaults[version_id]: notice} if notice and notice.strip() else {}
        connection.execute(
            _round.update()
            .where(_round.c.id == round_id)
            .values(privacy_notices=notices, stakeholder_groups=[])
        )
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.alter_column('privacy_notices', existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column('stakeholder_groups', existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column('privacy_notice')


def downgrade() -> None:
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('privacy_notice', sa.String(length=20000), nullable=False, server_default='')
        )
    connection = op.get_bind()
    defaults = _default_languages()
    rows = connection.execute(
        sa.select(_round.c.id, _round.c.questionnaire_version_id, _round.c.privacy_notices)
    ).all()
    for round_id, version_id, notices in rows:
        notices = notices or {}
        notice = notices.get(defaults[version_id]) or next(iter(notices.values()), '')
        connection.execute(
            _round.update().where(_round.c.id == round_id).values(privacy_notice=notice)
        )
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_column('stakeholder_groups')
        batch_op.drop_column('privacy_notices')
        batch_op.drop_column('min_group_size')
