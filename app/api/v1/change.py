"""Change between rounds (``results:read``): per organisation and topic the earlier and later
mean, the change and its direction, the topics of only one version named, and the cohort's mean
change (:func:`app.services.round_change.round_change`, from stored scores)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from app import limits
from app.api.auth import Authenticated, ResultsReader
from app.api.json_body import BoundedJsonRoute
from app.api.problem_docs import PROBLEM_RESPONSES, TOKEN_RESPONSES, problem
from app.api.v1.profiles import CohortFilters
from app.api.v1.response_schemas import RoundId
from app.deps import SessionDep
from app.errors import InvalidInput, NotFound, choice
from app.services import cohort, directory, round_change

router = APIRouter(
    tags=["profiles"],
    dependencies=[Authenticated],
    responses={**PROBLEM_RESPONSES, **TOKEN_RESPONSES},
    route_class=BoundedJsonRoute,
)


class TopicChangeOut(BaseModel):
    before: float | None = Field(description="The earlier round's mean (unrounded, 0-100)")
    after: float | None = Field(description="The later round's mean (unrounded, 0-100)")
    change: float | None = Field(
        description="after - before, rounded half up to one decimal; null without a score in "
        "a round",
        examples=[12.5],
    )
    direction: str | None = Field(description="up, down or same (of the rounded change)")
    reason_code: str | None = Field(description="missing_score when a round has no score")


class IncomparableOut(BaseModel):
    reason_code: str = Field(examples=["not_in_before"])
    reason: str = Field(examples=["not in version 1.0"])


class OrganisationChangeOut(BaseModel):
    organisation_id: int
    name: str
    responses_before: int
    responses_after: int
    shown: bool = Field(
        description="False below the minimum group size of either round: not enough "
        "responses, no numbers"
    )
    topics: dict[str, dict[str, TopicChangeOut]] | None = Field(
        description="Per kind (dimensions, areas, indexes, overall) and topic; null when not shown"
    )


class CohortChangeOut(BaseModel):
    n: int = Field(description="Organisations with a score in both rounds")
    before: float | None
    after: float | None
    change: float | None = Field(description="The mean change, rounded; null when n is 0")
    direction: str | None


class RoundChangeOut(BaseModel):
    before_round_id: int
    after_round_id: int
    questionnaire: str
    before_version: str
    after_version: str
    min_group_size_before: int
    min_group_size_after: int
    incomparable: dict[str, dict[str, IncomparableOut]] = Field(
        description="Per kind: topics of only one version, never compared"
    )
    organisations: list[OrganisationChangeOut]
    cohort: dict[str, dict[str, CohortChangeOut]] = Field(
        description="Per kind and topic: the cohort's mean change"
    )


@router.get(
    "/rounds/{round_id}/change",
    response_model=RoundChangeOut,
    summary="Change between an earlier round of a comparable version and this one",
    responses={
        404: problem(
            "The round is unknown, or there is no earlier comparable round",
            NotFound,
        ),
        409: problem(
            "The rounds' questionnaire versions are not declared comparable",
            round_change.RoundsNotComparable,
        ),
        422: problem(
            "Invalid filters, or ?before= is no round of the project or not an earlier one",
            InvalidInput,
        ),
    },
)
def round_change_of(
    round_id: RoundId,
    caller: ResultsReader,
    session: SessionDep,
    chosen: CohortFilters,
    before: Annotated[
        int | None,
        Query(
            ge=1,
            le=limits.INT_MAX,
            description="The earlier round (default: the latest earlier round of a comparable "
            "version)",
        ),
    ] = None,
) -> RoundChangeOut:
    after = directory.round_(session, caller.project_id, round_id)
    earlier = (
        choice("before", lambda: directory.round_(session, after.project_id, before))
        if before is not None
        else None
    )
    cohort.check_group(session, chosen.group, after, *([earlier] if earlier else []))
    project = directory.project(session, after.project_id)
    found = round_change.round_change(session, project, earlier, after, chosen)
    return RoundChangeOut(
        before_round_id=found.before.id or 0,
        after_round_id=found.after.id or 0,
        questionnaire=found.after_definition.slug,
        before_version=found.before_definition.version,
        after_version=found.after_definition.version,
        min_group_size_before=found.min_group_size_before,
        min_group_size_after=found.min_group_size_after,
        incomparable={
            name: {
                key: IncomparableOut(reason_code=why.reason_code, reason=why.reason)
                for key, why in found.incomparable[kind_].items()
            }
            for kind_, name in round_change.PARTS.items()
        },
        organisations=[organisation_change_out(one) for one in found.organisations],
        cohort={
            name: {
                key: CohortChangeOut(**vars(value)) for key, value in found.cohort[kind_].items()
            }
            for kind_, name in round_change.PARTS.items()
        },
    )


def organisation_change_out(one: round_change.OrganisationChange) -> OrganisationChangeOut:
    return OrganisationChangeOut(
        organisation_id=one.organisation.id or 0,
        name=one.organisation.name,
        responses_before=one.responses_before,
        responses_after=one.responses_after,
        shown=one.shown,
        topics={
            name: {key: TopicChangeOut(**vars(value)) for key, value in one.topics[kind].items()}
            for kind, name in round_change.PARTS.items()
        }
        if one.shown
        else None,
    )
