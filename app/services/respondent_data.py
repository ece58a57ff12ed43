"""A respondent's data rights (GDPR art. 15, 17 and 5(1)(e)): export of one response, its
erasure, and retention.

Erasure and retention delete whole responses: the answers, the comments, the scores stored at
submission and the browser sessions. Aggregates are read from the stored scores of submitted
responses, so they no longer include an erased response the moment the caller commits. Keeping
scores after deleting the answers was rejected: a score is derived from the answers (it is still
personal data of that respondent), and ``radar scores rebuild`` could not recompute it.

Every action is audited by the operator: what and which response (its random public id), never
answers, comments or tokens. Like every service, these only flush; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app import times
from app.db_types import utcnow
from app.errors import NO_RESPONSE_ID, InvalidInput, NotFound
from app.i18n import N_, Message
from app.models import (
    IdempotencyKey,
    Organisation,
    Project,
    Response,
    ResponseScore,
    Round,
    WebSession,
)
from app.services import audit
from app.services.answer_records import answer_records
from app.services.responses import definition_of

RETENTION_RANGE = N_("the retention must be 0 to %(most)s days (about 100 years), not %(days)s")


@dataclass(frozen=True)
class Purged:
    """What a retention run removed: the number of responses and the cut-off time (UTC)."""

    responses: int
    before: datetime


def find(session: Session, public_id: str) -> Response:
    """The response with this public id; :class:`NotFound` names the id otherwise."""
    response = session.exec(select(Response).where(Response.public_id == public_id)).first()
    if response is None:
        raise NotFound(Message(NO_RESPONSE_ID, id=repr(audit.one_line(public_id))))
    return response


def export(session: Session, public_id: str) -> dict[str, Any]:
    """Everything stored about one response, as JSON-ready data.

    Shape: ``{"public_id", "project", "round", "organisation", "stakeholder_group",
    "language", "status", "answers": [{"item", "dimension", "value", "counted", "reason",
    "note"}], "comments", "consent": {"version", "at"}, "created_at", "updated_at",
    "submitted_at", "times": "precise" | "day_only", "scores": [{"kind", "target", "score",
    "coverage", "band", "rules_version"}]}``. Every stored answer is listed with whether it
    counted (:mod:`app.services.answer_records`). Times are ISO 8601 in UTC; in anonymous
    rounds they are dates only ("2026-11-30", the day in the service's time zone), as
    ``times`` says. Secrets (token hashes, the idempotency key) are left out: they are not
    about the person.
    """
    response = find(session, public_id)
    round_ = session.get_one(Round, response.round_id)
    definition = definition_of(session, round_)
    project = session.get_one(Project, round_.project_id)
    organisation = session.get_one(Organisation, response.organisation_id)

    def time(moment: datetime | None) -> str | None:
        return times.iso(moment, day_only=round_.anonymous)

    scores = session.exec(
        select(ResponseScore)
        .where(ResponseScore.response_id == response.id)
        .order_by(col(ResponseScore.kind), col(ResponseScore.target_id))
    ).all()
    audit.record(
        session,
        "response.export",
        object_type="response",
        object_id=audit.response_reference(response.public_id, anonymous=round_.anonymous),
        project_id=project.id,
    )
    return {
        "public_id": response.public_id,
        "project": project.slug,
        "round": round_.name,
        "organisation": organisation.name,
        "stakeholder_group": response.stakeholder_group,
        "language": response.language,
        "status": str(response.status),
        "answers": [r.to_dict() for r in answer_records(definition, response.answers)],
        "comments": response.comments,
        "consent": {"version": response.consent_version, "at": time(response.consented_at)},
        "created_at": time(response.created_at),
        "updated_at": time(response.updated_at),
        "submitted_at": time(response.submitted_at),
        "times": "day_only" if round_.anonymous else "precise",
        "scores": [
            {
                "kind": str(score.kind),
                "target": score.target_id,
                "score": score.score,
                "coverage": score.coverage,
                "band": score.band,
                "rules_version": score.rules_version,
            }
            for score in scores
        ],
    }


def erase(session: Session, public_id: str) -> None:
    """Delete one response with its stored scores and browser sessions (audited)."""
    response = find(session, public_id)
    round_ = session.get_one(Round, response.round_id)
    _delete(session, [response])
    audit.record(
        session,
        "response.erase",
        object_type="response",
        object_id=audit.response_reference(public_id, anonymous=round_.anonymous),
        project_id=round_.project_id,
    )


MAX_RETENTION_DAYS = 36_500
"""The longest retention a purge takes: older dates would fall before year 1 (OverflowError)."""


def purge(session: Session, round_: Round, days: int, now: datetime | None = None) -> Purged:
    """Retention: delete the round's responses, submitted or abandoned, not changed for
    ``days`` days (their last change before ``now - days``), with their scores and sessions.

    One audit event gives the round, the retention and the number removed.
    Raises :class:`InvalidInput` for a negative number of days.
    """
    if not 0 <= days <= MAX_RETENTION_DAYS:
        raise InvalidInput(Message(RETENTION_RANGE, most=MAX_RETENTION_DAYS, days=days))
    before = (now or utcnow()) - timedelta(days=days)
    old = list(
        session.exec(
            select(Response).where(
                Response.round_id == round_.id, col(Response.updated_at) < before
            )
        ).all()
    )
    _delete(session, old)
    audit.record(
        session,
        "responses.purge",
        object_type="round",
        object_id=round_.id,
        project_id=round_.project_id,
        older_than_days=days,
        removed=len(old),
    )
    return Purged(len(old), before)


def _delete(session: Session, responses: list[Response]) -> None:
    """Delete explicitly rather than trusting ``ON DELETE CASCADE``: the same on both databases
    whatever a connection's foreign-key setting."""
    ids = [response.id for response in responses]
    if not ids:
        return
    session.exec(delete(ResponseScore).where(col(ResponseScore.response_id).in_(ids)))
    session.exec(delete(WebSession).where(col(WebSession.response_id).in_(ids)))
    # an idempotency key keeps the answer first sent, the answers with it
    session.exec(delete(IdempotencyKey).where(col(IdempotencyKey.response_id).in_(ids)))
    session.exec(delete(Response).where(col(Response.id).in_(ids)))
    for response in responses:
        session.expunge(response)
