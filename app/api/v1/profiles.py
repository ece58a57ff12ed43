"""Profiles: of one submitted response (``results:read``), and of answers scored on the spot
without storing anything (``POST /score``, ``questionnaires:read``).

Both are the scoring library's :class:`scoring.Profile` as JSON: each score unrounded
(``score``) beside the value people read (``rounded``, the rule of the result page), with its
band, coverage and the reason when there is no score. A response's profile is the one its
result page draws (:func:`app.services.results.own_profile`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from app.api.auth import Authenticated, QuestionnairesReader, ResultsReader
from app.api.json_body import BoundedJsonRoute
from app.api.problem_docs import PROBLEM_RESPONSES, TOKEN_RESPONSES, problem
from app.api.v1.projects import IdPath
from app.api.v1.response_schemas import ANSWER_SCHEMA, BODY_PROBLEMS, PublicId, RoundId
from app.deps import SessionDep
from app.errors import Conflict
from app.services import directory, response_intake, responses, results
from scoring import GroupScore, Profile

router = APIRouter(
    tags=["profiles"],
    dependencies=[Authenticated],
    responses={**PROBLEM_RESPONSES, **TOKEN_RESPONSES},
    route_class=BoundedJsonRoute,
)


class ProfileOut(BaseModel):
    response_id: str | None = Field(description="The response scored; null for /score")
    not_counted: list[str] = Field(description="Answers kept but not scored (hidden by show_if)")
    profile: Profile


class OrganisationProfileOut(BaseModel):
    round_id: int
    organisation_id: int
    responses: int = Field(description="Submitted responses of the organisation in the round")
    min_group_size: int
    shown: bool = Field(description="False below the minimum group size: nothing is revealed")
    dimensions: dict[str, GroupScore] | None = Field(
        description="Per dimension n, mean, median, SD, min, max and disagreement; null when "
        "withheld"
    )
    disagreements: list[str]


class ScoreRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    questionnaire: str = Field(max_length=100, examples=["intercultural-integration"])
    version: str = Field(max_length=32, examples=["1.0"])
    answers: dict[str, Any] = Field(json_schema_extra=ANSWER_SCHEMA)


@router.get(
    "/responses/{public_id}/profile",
    response_model=ProfileOut,
    summary="The profile of a submitted response",
    responses={409: problem("The response is a draft: it has no profile yet", Conflict)},
)
def response_profile(public_id: PublicId, caller: ResultsReader, session: SessionDep) -> ProfileOut:
    context = response_intake.find(session, caller.project_id, public_id)
    if not context.submitted:
        raise Conflict("the response is a draft: it has a profile once submitted")
    written = response_intake.written(context.response, context.definition)
    return ProfileOut(
        response_id=public_id,
        not_counted=list(written.not_counted),
        profile=results.own_profile(context),
    )


@router.get(
    "/rounds/{round_id}/organisations/{organisation_id}/profile",
    response_model=OrganisationProfileOut,
    summary="An organisation's aggregate in a round (withheld below the minimum group size)",
)
def organisation_profile(
    round_id: RoundId, organisation_id: IdPath, caller: ResultsReader, session: SessionDep
) -> OrganisationProfileOut:
    round_ = directory.round_(session, caller.project_id, round_id)
    organisation = directory.organisation(session, round_.project_id, organisation_id)
    project = directory.project(session, round_.project_id)
    group = results.group_of(
        session, round_, organisation, project, responses.definition_of(session, round_)
    )
    return OrganisationProfileOut(
        round_id=round_id,
        organisation_id=organisation_id,
        responses=group.count,
        min_group_size=group.min_group_size,
        shown=group.shown,
        dimensions=dict(group.dimensions) if group.dimensions is not None else None,
        disagreements=list(group.disagreements),
    )


@router.post(
    "/score",
    response_model=ProfileOut,
    summary="Score answers against a questionnaire version (nothing is stored)",
    responses=BODY_PROBLEMS,
)
def score(payload: ScoreRequest, caller: QuestionnairesReader, session: SessionDep) -> ProfileOut:
    scored = response_intake.score_only(
        session, payload.questionnaire, payload.version, payload.answers
    )
    return ProfileOut(response_id=None, not_counted=list(scored[1]), profile=scored[0])
