"""A respondent's own result: their profile, recommendations for their weak dimensions and,
once enough people of the organisation have submitted, the organisation's aggregate.

The aggregate never reveals a small group: below the project's minimum group size it is
withheld and only the count is given, so that nobody can read a colleague's answers off it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.models import (
    Organisation,
    Project,
    Response,
    ResponseScore,
    ResponseStatus,
    Round,
    ScoreKind,
)
from app.services.responses import Context
from scoring import (
    Definition,
    GroupScore,
    Profile,
    aggregate_scores,
    recommendations,
    score_response,
)


@dataclass(frozen=True)
class GroupResult:
    """The organisation's submitted responses in this round, aggregated when there are enough."""

    count: int
    min_group_size: int
    dimensions: Mapping[str, GroupScore] | None

    @property
    def shown(self) -> bool:
        return self.dimensions is not None

    @property
    def means(self) -> dict[str, float | None]:
        return {key: group.mean for key, group in (self.dimensions or {}).items()}

    @property
    def disagreements(self) -> tuple[str, ...]:
        return tuple(key for key, group in (self.dimensions or {}).items() if group.disagreement)


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
    return group_of(
        session, context.round, context.organisation, context.project, context.definition
    )


def group_of(
    session: Session,
    round_: Round,
    organisation: Organisation,
    project: Project,
    definition: Definition,
) -> GroupResult:
    """An organisation's aggregate in a round, withheld below the project's minimum group size.

    Read from the scores stored at submission, never by rescoring every response on a page
    view (see docs/performance.md); ``radar scores rebuild`` refreshes them after a rule change.
    """
    rows = session.exec(
        select(ResponseScore.response_id, ResponseScore.target_id, ResponseScore.score)
        .join(Response, col(Response.id) == col(ResponseScore.response_id))
        .where(
            col(Response.round_id) == round_.id,
            col(Response.organisation_id) == organisation.id,
            col(Response.status) == ResponseStatus.SUBMITTED.value,
            col(ResponseScore.kind) == ScoreKind.DIMENSION.value,
        )
    ).all()
    by_response: dict[int, dict[str, float | None]] = {}
    for response_id, dimension_id, score in rows:
        by_response.setdefault(response_id, {})[dimension_id] = score
    minimum = project.min_group_size
    if len(by_response) < minimum:
        return GroupResult(len(by_response), minimum, None)
    keys = [dimension.id for dimension in definition.dimensions]
    groups = aggregate_scores(list(by_response.values()), keys, min_group_size=minimum)
    return GroupResult(len(by_response), minimum, groups)
