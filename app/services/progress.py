"""A round's progress: how many responses each of the project's organisations has started
and submitted, counted in the database (one grouped query, whatever the number of responses).

Counts reveal no answers, so they are shown whatever the group size; organisations without
any response are listed with zeros, so a facilitator sees who has not started.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.models import Organisation, Response, ResponseStatus, Round


@dataclass(frozen=True)
class OrganisationProgress:
    organisation_id: int
    name: str
    drafts: int
    submitted: int


def round_progress(session: Session, round_: Round) -> list[OrganisationProgress]:
    """Every organisation of the round's project by name, with its drafts and submissions."""
    counted = session.exec(
        select(Response.organisation_id, Response.status, func.count())
        .where(col(Response.round_id) == round_.id)
        .group_by(col(Response.organisation_id), col(Response.status))
    ).all()
    counts: dict[tuple[int, str], int] = {
        (organisation_id, str(status)): int(number) for organisation_id, status, number in counted
    }
    organisations = session.exec(
        select(Organisation)
        .where(Organisation.project_id == round_.project_id)
        .order_by(col(Organisation.name))
    ).all()
    return [
        OrganisationProgress(
            organisation_id=organisation.id or 0,
            name=organisation.name,
            drafts=counts.get((organisation.id or 0, ResponseStatus.DRAFT.value), 0),
            submitted=counts.get((organisation.id or 0, ResponseStatus.SUBMITTED.value), 0),
        )
        for organisation in organisations
    ]
