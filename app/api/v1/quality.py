"""Instrument quality of a questionnaire version across a project's rounds (``results:read``):
the figures of the facilitator page (:func:`app.services.instrument_quality.to_dict`), withheld
ones as null. Only aggregates, so anonymous rounds take part; below the minimum group size
``shown`` is false and ``dimensions`` empty. A version no round of the project uses, or a
round not on it, is 422 naming ``round`` (a query parameter, like every filter)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from app import limits
from app.api.auth import Authenticated, ResultsReader
from app.api.problem_docs import PROBLEM_RESPONSES, TOKEN_RESPONSES
from app.deps import SessionDep
from app.services import directory, instrument_quality
from scoring import IDENTIFIER_LENGTH, VERSION_LENGTH

router = APIRouter(
    tags=["quality"],
    dependencies=[Authenticated],
    responses={**PROBLEM_RESPONSES, **TOKEN_RESPONSES},
)


class QualityRoundOut(BaseModel):
    id: int
    name: str
    submitted: int = Field(description="Submitted responses of the round")
    chosen: bool = Field(description="Whether its responses are counted")


class ThresholdsOut(BaseModel):
    """When a question is flagged; fractions (0.2 is 20 %), see docs/scoring.md."""

    item_rest_min: float
    not_applicable_max: float
    missing_max: float
    alpha_acceptable: float


class QualityItemOut(BaseModel):
    """One question; counts and rates null when fewer respondents than the minimum group size
    were shown it, reliability figures null with their dimension's."""

    id: str
    reverse_keyed: bool
    shown: int | None = Field(description="Respondents shown the question (show_if held)")
    answered: int | None
    not_applicable: int | None
    missing: int | None
    missing_rate: float | None = Field(description="Fraction of those shown it")
    not_applicable_rate: float | None = Field(description="Fraction of those shown it")
    distribution: dict[str, int] | None = Field(
        description="Answers per scale value or choice id (`na`: not applicable); null for "
        "number and text questions"
    )
    item_rest_correlation: float | None = Field(
        description="Pearson correlation with the sum of the dimension's other scored questions"
    )
    alpha_if_dropped: float | None
    flags: list[str] = Field(
        description="low_item_rest, lowers_alpha, not_applicable, missing",
        examples=[["lowers_alpha"]],
    )


class QualityDimensionOut(BaseModel):
    id: str
    alpha: float | None = Field(description="Cronbach's alpha over the complete responses")
    complete_responses: int = Field(
        description="Responses that answered every scored question of the dimension"
    )
    no_alpha_reason: str | None = Field(
        description="single_item, too_few_complete, no_variance or not_enough_responses"
    )
    items: list[QualityItemOut]


class QualityOut(BaseModel):
    questionnaire: str
    version: str
    rounds: list[QualityRoundOut]
    min_group_size: int = Field(description="The largest of the chosen rounds'")
    responses: int = Field(description="Submitted responses of the chosen rounds")
    shown: bool = Field(description="Whether there are enough responses for figures")
    thresholds: ThresholdsOut
    dimensions: list[QualityDimensionOut]


@router.get(
    "/projects/{slug}/quality",
    response_model=QualityOut,
    summary="Instrument quality of a questionnaire version across the project's rounds",
)
def project_quality(
    slug: Annotated[str, Path(description="The token's project", examples=["eu-network"])],
    caller: ResultsReader,
    session: SessionDep,
    questionnaire: Annotated[
        str, Query(min_length=1, max_length=IDENTIFIER_LENGTH, examples=["mini"])
    ],
    version: Annotated[str, Query(min_length=1, max_length=VERSION_LENGTH, examples=["1.0"])],
    round_ids: Annotated[
        list[Annotated[int, Query(ge=1, le=limits.INT_MAX)]],
        Query(alias="round", description="A round id to count (repeat); default: every round"),
    ] = [],  # noqa: B006 (FastAPI copies defaults)
) -> QualityOut:
    project = directory.project_by_slug(session, caller.project_id, slug)
    found = instrument_quality.gather(session, project, questionnaire, version, round_ids)
    return QualityOut.model_validate(instrument_quality.to_dict(found))
