"""A respondent's own result: their profile, recommendations for their weak dimensions and,
once enough people of the organisation have submitted, the organisation's aggregate.

The aggregate never reveals a small group: below the project's minimum group size it is
withheld and only the count is given, so that nobody can read a colleague's answers off it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.models import Response, ResponseStatus
from app.services.responses import Context
from scoring import (
    OrganisationAggregate,
    Profile,
    aggregate_organisation,
    recommendations,
    score_response,
)


@dataclass(frozen=True)
class GroupResult:
    """The organisation's submitted responses in this round, aggregated when there are enough."""

    count: int
    min_group_size: int
    aggregate: OrganisationAggregate | None

    @property
    def shown(self) -> bool:
        return self.aggregate is not None

    @property
    def means(self) -> dict[str, float | None]:
        return self.aggregate.dimension_means() if self.aggregate else {}

    @property
    def disagreements(self) -> tuple[str, ...]:
        return self.aggregate.disagreements if self.aggregate else ()


@dataclass(frozen=True)
class OwnResult:
    profile: Profile
    recommendations: Mapping[str, list[str]]
    group: GroupResult


def own_profile(context: Context) -> Profile:
    return score_response(context.definition, dict(context.response.answers))


def own_result(session: Session, context: Context, language: str) -> OwnResult:
    profile = own_profile(context)
    return OwnResult(
        profile=profile,
        recommendations=recommendations(context.definition, profile, language),
        group=organisation_group(session, context),
    )


def organisation_group(session: Session, context: Context) -> GroupResult:
    """The organisation's aggregate in this round (own response included)."""
    answers = session.exec(
        select(Response.answers).where(
            col(Response.round_id) == context.round.id,
            col(Response.organisation_id) == context.organisation.id,
            col(Response.status) == ResponseStatus.SUBMITTED.value,
        )
    ).all()
    minimum = context.project.min_group_size
    if len(answers) < minimum:
        return GroupResult(len(answers), minimum, None)
    profiles = [score_response(context.definition, dict(a)) for a in answers]
    return GroupResult(
        len(answers), minimum, aggregate_organisation(profiles, min_group_size=minimum)
    )
