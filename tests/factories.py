"""Test data made the way the app makes it: questionnaires, projects, organisations, rounds,
invitations and responses.

Each factory takes the session first and keyword options with defaults that are valid and
unique (two calls make two projects), in the manner of polar's
``server/tests/fixtures/random_objects.py``; name only what a test looks at. Factories go
through the services where one exists, so the data is what users would have, and never commit:
the fixture or test that builds the data ends its own unit of work (the app under test needs
the write lock next).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from app.db_types import utcnow
from app.models import Invitation, Organisation, Project, Response, ResponseStatus, Round
from app.services import api_tokens, invitations, projects, questionnaires, rounds, scores
from app.services.responses import definition_of
from scoring import Definition, parse_definition
from tests.helpers import minimal_definition

MINI = "mini"  # tests/scoring/minimal.yaml: small, independent of the flagship's wording
FLAGSHIP = "intercultural-integration"

_numbers = itertools.count(1)


def unique(prefix: str) -> str:
    """``prefix-N``, a new N on every call (slugs and names must not collide)."""
    return f"{prefix}-{next(_numbers)}"


def questionnaire(session: Session, data: dict[str, Any] | None = None) -> Definition:
    """Publish a definition (default: ``mini`` 1.0); publishing the same content again is a
    no-op, so every factory below can ask for it."""
    definition = parse_definition(data if data is not None else minimal_definition())
    questionnaires.publish(session, definition)
    return definition


def project(
    session: Session, slug: str | None = None, name: str | None = None, *, min_group_size: int = 3
) -> Project:
    slug = slug or unique("project")
    return projects.create_project(
        session, slug, name or f"Network {slug}", min_group_size=min_group_size
    )


def organisation(
    session: Session,
    project_: Project | None = None,
    name: str | None = None,
    *,
    country: str = "DE",
    kind: str = "region",
    **attributes: Any,
) -> Organisation:
    """``attributes``: ``population``, ``foreign_born_share``, ``area_type``."""
    return projects.add_organisation(
        session,
        project_ or project(session),
        name or unique("Region"),
        country=country,
        kind=kind,
        **attributes,
    )


def round_(
    session: Session,
    project_: Project | None = None,
    name: str | None = None,
    *,
    slug: str = MINI,
    version: str = "1.0",
    **options: Any,
) -> Round:
    """A round of ``slug`` ``version`` (``mini`` is published on demand; other questionnaires
    must be published first, e.g. with the ``loaded`` fixture). ``options`` as for
    :func:`app.services.rounds.create_round` (``anonymous``, ``privacy_notice``, ...)."""
    if slug == MINI and version == "1.0":
        questionnaire(session)
    closes_at = options.pop("closes_at", None)
    passed = closes_at is not None and closes_at <= utcnow()  # refused when typed
    made = rounds.create_round(
        session,
        project_ or project(session),
        slug,
        version,
        name or unique("Round"),
        closes_at=None if passed else closes_at,
        **options,
    )
    if passed:  # a round whose window has passed since, as time makes them
        made.closes_at = closes_at
        session.flush()
    return made


@dataclass(frozen=True)
class Network:
    """A project with one organisation and one round: what most tests start from."""

    project: Project
    organisation: Organisation
    round: Round


def network(
    session: Session,
    *,
    min_group_size: int = 3,
    organisation_name: str | None = None,
    round_name: str | None = None,
    **round_options: Any,
) -> Network:
    made = project(session, min_group_size=min_group_size)
    member = organisation(session, made, organisation_name)
    return Network(made, member, round_(session, made, round_name, **round_options))


def invitation(
    session: Session,
    round_in: Round,
    organisation_: Organisation,
    **options: Any,
) -> tuple[Invitation, str]:
    """An invitation and its token; ``options`` as for
    :func:`app.services.invitations.create_invitation` (``multi_use``, ``expires_at``, ...)."""
    return invitations.create_invitation(session, round_in, organisation_, **options)


def response(
    session: Session,
    round_in: Round,
    organisation_: Organisation,
    answers: dict[str, Any] | None = None,
    *,
    submitted: bool = False,
    scored: bool = False,
    language: str = "en",
    invitation_: Invitation | None = None,
    consented: bool = True,
    **fields: Any,
) -> Response:
    """A response row as the respondent pages leave it (a draft, or ``submitted``).

    ``scored`` also stores its scores, as a submission does; leave it out to get a submitted
    response without scores (as after a crash, or before ``radar scores rebuild``).
    """
    assert round_in.id is not None
    assert organisation_.id is not None
    now: datetime = utcnow()
    row = Response(
        round_id=round_in.id,
        organisation_id=organisation_.id,
        invitation_id=invitation_.id if invitation_ else None,
        language=language,
        answers=dict(answers or {}),
        status=ResponseStatus.SUBMITTED if submitted else ResponseStatus.DRAFT,
        submitted_at=now if submitted else None,
        consented_at=now if consented else None,
        consent_version=round_in.notice_version if consented else None,
        **fields,
    )
    session.add(row)
    session.flush()
    if scored:
        scores.store_scores(session, row, definition_of(session, round_in))
    return row


def api_token(
    session: Session,
    project_: Project | None,
    scopes: tuple[str, ...] = api_tokens.ALL_SCOPES,
    **options: Any,
) -> str:
    """The secret of a new API token of ``project_`` (None: a cross-project token; all scopes
    unless named)."""
    _row, secret = api_tokens.create_token(session, project_, unique("token"), scopes, **options)
    return secret
