"""A project's objects as a caller bound to that project sees them (the API's tokens).

Every lookup takes the caller's project id and searches only within it, so an object of
another project is :class:`~app.errors.NotFound`, the very answer an id that does not exist
gets: a caller learns nothing about other projects, not even that an id is taken. A project id
of None is a cross-project caller (an admin's token), who reaches every project. Lists are
cut in the database (:func:`app.services.paging.page_of`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, bindparam, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app import limits
from app.db_types import utcnow
from app.errors import NO_ORGANISATION_ID, NO_PROJECT, NO_ROUND_ID, NO_SUCH_PROJECT, NotFound
from app.i18n import Message
from app.models import Organisation, Project, Questionnaire, QuestionnaireVersion, Round
from app.services import definition_cache
from app.services.paging import Slice, page_of
from app.services.rounds import RoundState, version_of
from scoring import shorten


def project(session: Session, project_id: int) -> Project:
    row = session.get(Project, project_id)
    if row is None:  # deleted while its token lived on (tokens cascade with it)
        raise NotFound(Message(NO_SUCH_PROJECT))
    return row


def reaches(project_id: int | None, owner_id: int | None) -> bool:
    """Whether a caller of ``project_id`` (None: every project) may see an object of
    ``owner_id``."""
    return project_id is None or owner_id == project_id


def project_by_slug(session: Session, project_id: int | None, slug: str) -> Project:
    """The project ``slug`` if the caller reaches it; any other slug is not found."""
    row = (
        session.exec(select(Project).where(Project.slug == slug)).first()
        if limits.findable(slug, Project.slug)
        else None
    )
    if row is None or not reaches(project_id, row.id):
        raise NotFound(Message(NO_PROJECT, slug=shorten(slug)), slug=slug)
    return row


def page_projects(
    session: Session, project_id: int | None, limit: int, offset: int
) -> Slice[Project]:
    """The projects the caller reaches (its own, or all for a cross-project caller), by slug."""
    query = select(Project)
    if project_id is not None:
        query = query.where(Project.id == project_id)
    return page_of(session, query.order_by(col(Project.slug)), limit, offset)


def organisation(session: Session, project_id: int | None, organisation_id: int) -> Organisation:
    row = session.get(Organisation, organisation_id) if limits.is_id(organisation_id) else None
    if row is None or not reaches(project_id, row.project_id):
        raise NotFound(
            Message(NO_ORGANISATION_ID, id=str(organisation_id)), organisation_id=organisation_id
        )
    return row


def round_(session: Session, project_id: int | None, round_id: int) -> Round:
    row = session.get(Round, round_id) if limits.is_id(round_id) else None
    if row is None or not reaches(project_id, row.project_id):
        raise NotFound(Message(NO_ROUND_ID, id=str(round_id)), round_id=round_id)
    return row


_ROUND_AND_ORGANISATION = (
    sa_select(Round, Project, QuestionnaireVersion, Organisation)
    .join(Project, col(Project.id) == col(Round.project_id))
    .join(QuestionnaireVersion, col(QuestionnaireVersion.id) == col(Round.questionnaire_version_id))
    .outerjoin(Organisation, col(Organisation.id) == bindparam("organisation_id"))
    .where(col(Round.id) == bindparam("round_id"))
    .options(definition_cache.WITHOUT_DEFINITION)
)
"""Built once: every API creation runs it (a kept statement finds its compiled form
without being built and keyed again)."""


@dataclass(frozen=True)
class Placement:
    """Where a new response goes: its round and organisation, and the round's project and
    questionnaire version (loaded without its definition)."""

    round: Round
    organisation: Organisation
    project: Project
    version: QuestionnaireVersion


def placement(
    session: Session, project_id: int | None, round_id: int, organisation_id: int
) -> Placement:
    """The round and the organisation a new response names, as :func:`round_` and
    :func:`organisation` find them (the round's :class:`NotFound` first), with the round's
    project and version, in one query (the creation reads all four)."""
    if not (limits.is_id(round_id) and limits.is_id(organisation_id)):
        found_round = round_(session, project_id, round_id)
        found = organisation(session, project_id, organisation_id)
        return Placement(
            found_round,
            found,
            project(session, found_round.project_id),
            version_of(session, found_round),
        )
    row = session.execute(
        _ROUND_AND_ORGANISATION, {"round_id": round_id, "organisation_id": organisation_id}
    ).first()
    if row is None or not reaches(project_id, row[0].project_id):
        raise NotFound(Message(NO_ROUND_ID, id=str(round_id)), round_id=round_id)
    found_round, found_project, version, found = row
    if found is None or not reaches(project_id, found.project_id):
        raise NotFound(
            Message(NO_ORGANISATION_ID, id=str(organisation_id)), organisation_id=organisation_id
        )
    return Placement(found_round, found, found_project, version)


def page_organisations(
    session: Session,
    project_id: int,
    limit: int,
    offset: int,
    *,
    country: str | None = None,
    kind: str | None = None,
) -> Slice[Organisation]:
    """The project's organisations by name, optionally of one country or kind."""
    query = select(Organisation).where(Organisation.project_id == project_id)
    if country is not None:
        query = query.where(Organisation.country == country.upper())
    if kind is not None:
        query = query.where(Organisation.kind == kind)
    return page_of(
        session, query.order_by(col(Organisation.name), col(Organisation.id)), limit, offset
    )


def state_condition(state: RoundState, now: datetime) -> ColumnElement[bool]:
    """SQL for :func:`app.services.rounds.round_state` being ``state`` at ``now``."""
    closed = or_(
        col(Round.closed_at).is_not(None),
        and_(col(Round.closes_at).is_not(None), col(Round.closes_at) <= now),
    )
    not_yet = and_(col(Round.opens_at).is_not(None), col(Round.opens_at) > now)
    if state is RoundState.CLOSED:
        return closed
    if state is RoundState.NOT_YET_OPEN:
        return and_(~closed, not_yet)
    return and_(~closed, ~not_yet)


def page_rounds(
    session: Session,
    project_id: int,
    limit: int,
    offset: int,
    *,
    state: RoundState | None = None,
    now: datetime | None = None,
) -> Slice[Round]:
    """The project's rounds, oldest first, optionally only those in one ``state``."""
    query = select(Round).where(Round.project_id == project_id)
    if state is not None:
        query = query.where(state_condition(state, now or utcnow()))
    return page_of(session, query.order_by(col(Round.id)), limit, offset)


def project_slugs(session: Session, ids: set[int]) -> dict[int, str]:
    """The slug of each project id, in one query."""
    if not ids:
        return {}
    found = session.exec(select(Project.id, Project.slug).where(col(Project.id).in_(ids))).all()
    return {project_id: slug for project_id, slug in found if project_id is not None}


def questionnaires_of(session: Session, rounds: list[Round]) -> dict[int, tuple[str, str]]:
    """Questionnaire slug and version of each round's version id, in one query."""
    ids = {row.questionnaire_version_id for row in rounds}
    if not ids:
        return {}
    found = session.exec(
        select(QuestionnaireVersion.id, Questionnaire.slug, QuestionnaireVersion.version)
        .join(Questionnaire, col(Questionnaire.id) == col(QuestionnaireVersion.questionnaire_id))
        .where(col(QuestionnaireVersion.id).in_(ids))
    ).all()
    return {version_id: (slug, version) for version_id, slug, version in found if version_id}
