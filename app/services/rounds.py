"""Assessment rounds: one project, one published questionnaire version, one time window.

A round is pinned to a questionnaire version when it is created, so every response in it is
scored by the same definition. Retired and draft versions cannot start new rounds. Whether a
round accepts answers is derived from its window and ``closed_at`` (see :func:`round_state`),
never stored twice, so a window that passes needs no job to close the round.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import func
from sqlmodel import Session, col, select

from app import limits
from app.db_types import utcnow
from app.errors import Conflict, InvalidInput, NotFound
from app.models import Project, QuestionnaireVersion, Response, Round, VersionStatus
from app.services import audit, definition_cache, questionnaires
from scoring import shorten


class RoundState(StrEnum):
    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    CLOSED = "closed"


def create_round(
    session: Session,
    project: Project,
    slug_of_questionnaire: str,
    version: str,
    name: str,
    *,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    anonymous: bool = False,
    privacy_notice: str = "",
    notice_version: str = "1",
) -> Round:
    """Create a round of ``slug_of_questionnaire`` ``version`` in ``project``."""
    limits.name(name, "round name", column=Round.name)
    limits.text(privacy_notice, "privacy notice", column=Round.privacy_notice, multiline=True)
    limits.text(notice_version, "notice version", column=Round.notice_version, required=True)
    limits.moment(opens_at, "opening time")
    limits.moment(closes_at, "closing time")
    questionnaires.get_versions(session, slug_of_questionnaire)  # "no questionnaire 'x'"
    row = questionnaires.get_version(session, slug_of_questionnaire, version)
    _check_usable(row, slug_of_questionnaire)
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        raise InvalidInput("a round must close after it opens")
    if find_round(session, project, name) is not None:
        raise Conflict(
            f"project {project.slug!r} already has a round {name!r}",
            project=project.slug,
            round=name,
        )
    assert project.id is not None
    assert row.id is not None
    round_ = Round(
        project_id=project.id,
        questionnaire_version_id=row.id,
        name=name,
        opens_at=opens_at,
        closes_at=closes_at,
        anonymous=anonymous,
        privacy_notice=privacy_notice,
        notice_version=notice_version,
    )
    session.add(round_)
    session.flush()
    audit.record(
        session,
        "round.create",
        object_type="round",
        object_id=round_.id,
        project_id=project.id,
        name=name,
        questionnaire=f"{slug_of_questionnaire} {version}",
    )
    return round_


def _check_usable(row: QuestionnaireVersion, slug: str) -> None:
    if row.status == VersionStatus.RETIRED:
        raise Conflict(
            f"questionnaire {slug} {row.version} is retired: no new rounds",
            slug=slug,
            version=row.version,
        )
    if row.status != VersionStatus.PUBLISHED:
        raise Conflict(
            f"questionnaire {slug} {row.version} is not published: no rounds yet",
            slug=slug,
            version=row.version,
        )


def round_state(round_: Round, now: datetime | None = None) -> RoundState:
    """Closed once closed by hand or past ``closes_at``; not yet open before ``opens_at``."""
    now = now or utcnow()
    if round_.closed_at is not None or (round_.closes_at is not None and now >= round_.closes_at):
        return RoundState.CLOSED
    if round_.opens_at is not None and now < round_.opens_at:
        return RoundState.NOT_YET_OPEN
    return RoundState.OPEN


def close_round(session: Session, round_: Round) -> Round:
    """Close a round now (idempotent: closing a closed round keeps the first time)."""
    if round_.closed_at is None:
        round_.closed_at = utcnow()
        session.add(round_)
        audit.record(
            session,
            "round.close",
            object_type="round",
            object_id=round_.id,
            project_id=round_.project_id,
        )
    return round_


def set_anonymous(session: Session, round_: Round, anonymous: bool) -> Round:
    """Make a round anonymous or not, only while it has no responses. Flushes, no commit.

    Anonymity is a promise made to the people who answer: a round with responses cannot stop
    being anonymous (their answers would become linkable), nor start being anonymous (the
    earlier responses were stored with precise times and links). Raises :class:`Conflict`.
    """
    if round_.anonymous == anonymous:
        return round_
    responses = session.exec(
        select(func.count()).select_from(Response).where(col(Response.round_id) == round_.id)
    ).one()
    if responses:
        raise Conflict(
            f"round {round_.name!r} has {responses} response(s): whether it is anonymous can "
            "no longer change",
            round=round_.name,
        )
    round_.anonymous = anonymous
    session.add(round_)
    audit.record(
        session,
        "round.anonymity",
        object_type="round",
        object_id=round_.id,
        project_id=round_.project_id,
        anonymous=anonymous,
    )
    session.flush()
    return round_


def get_round(session: Session, project: Project, name: str) -> Round:
    round_ = find_round(session, project, name)
    if round_ is None:
        raise NotFound(
            f"project {project.slug!r} has no round {shorten(name)}",
            project=project.slug,
            round=name,
        )
    return round_


def list_rounds(session: Session, project: Project) -> list[Round]:
    return list(
        session.exec(
            select(Round).where(Round.project_id == project.id).order_by(col(Round.id))
        ).all()
    )


def version_of(session: Session, round_: Round) -> QuestionnaireVersion:
    """The questionnaire version a round is pinned to."""
    row = session.get(
        QuestionnaireVersion,
        round_.questionnaire_version_id,
        options=[definition_cache.WITHOUT_DEFINITION],  # the definition comes from the cache
    )
    assert row is not None  # a foreign key guarantees it
    return row


def find_round(session: Session, project: Project, name: str) -> Round | None:
    if not limits.findable(name, Round.name):
        return None
    return session.exec(
        select(Round).where(Round.project_id == project.id, Round.name == name)
    ).first()
