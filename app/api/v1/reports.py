"""An organisation's partner report (``results:read``): what the facilitators' *Partner report*
page shows, as JSON.

It is :func:`app.services.partner_report.partner_report`, so the API and the page cannot say
different things: the organisation's own scores, its standing against the cohort (strengths and
weaknesses relative to the other partners), the dimensions that get recommendations and the
recommendations themselves in ``?lang=``, its similar partners and its change since the
previous comparable round. The same privacy rules hold (docs/scoring.md, "Partner report"):
below the minimum group size nothing but the count; with too few other partners no cohort
figure (``compared`` false).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from app.api.auth import Authenticated, ResultsReader
from app.api.json_body import BoundedJsonRoute
from app.api.problem_docs import PROBLEM_RESPONSES, TOKEN_RESPONSES, problem
from app.api.v1.change import CohortChangeOut, OrganisationChangeOut, organisation_change_out
from app.api.v1.profiles import CohortOut, SimilarOut, cohort_out, similar_out
from app.api.v1.projects import IdPath
from app.api.v1.response_schemas import RoundId
from app.deps import SessionDep
from app.errors import NotFound
from app.models import ScoreKind
from app.services import (
    cohort,
    directory,
    partner_report,
    questionnaires,
    responses,
    round_change,
)
from scoring import CohortPosition, GroupScore, LanguageCode

router = APIRouter(
    tags=["profiles"],
    dependencies=[Authenticated],
    responses={**PROBLEM_RESPONSES, **TOKEN_RESPONSES},
    route_class=BoundedJsonRoute,
)


class ChangeSinceOut(BaseModel):
    before_round_id: int = Field(description="The previous round of a comparable version")
    organisation: OrganisationChangeOut
    cohort: dict[str, dict[str, CohortChangeOut]] | None = Field(
        description="Per kind and topic the cohort's mean change; null when too few other "
        "partners are shown in both rounds"
    )


class PartnerReportOut(BaseModel):
    round_id: int
    organisation_id: int
    name: str
    language: str = Field(description="The language of the recommendations")
    responses: int = Field(description="Submitted responses of the organisation in the round")
    min_group_size: int
    shown: bool = Field(
        description="False below the minimum group size: only the count, every figure null or empty"
    )
    compared: bool = Field(
        description="False when fewer other partners than the minimum group size are shown: "
        "then no cohort figure (standing, strengths, weaknesses, similar partners)"
    )
    dimensions: dict[str, GroupScore] | None = Field(
        description="The organisation's own dimension scores (n, mean, median, SD, min, max)"
    )
    areas: dict[str, GroupScore] | None
    indexes: dict[str, GroupScore] | None
    overall: GroupScore | None
    cohort: CohortOut | None = Field(
        description="The cohort's distribution per topic (mean, lowest, highest ...); null "
        "when not compared"
    )
    standing: dict[str, CohortPosition] | None = Field(
        description="Per dimension: the cohort mean, the difference to it and the percentile rank"
    )
    strengths: list[str] = Field(
        description="Dimensions at or above the cohort's 75th percentile and above its mean"
    )
    weaknesses: list[str] = Field(
        description="Dimensions at or below the cohort's 25th percentile and below its mean"
    )
    weak: list[str] = Field(
        description="Dimensions that get recommendations: the relative weaknesses and every "
        "dimension whose rounded mean lies below the questionnaire's weakness threshold"
    )
    recommendations: dict[str, list[str]] = Field(
        description="Per weak dimension, the questionnaire's recommendations in `language`"
    )
    similar: SimilarOut | None = Field(description="Its similar partners (by every attribute)")
    change: ChangeSinceOut | None = Field(
        description="Change since the previous comparable round; null when there is none"
    )


@router.get(
    "/rounds/{round_id}/organisations/{organisation_id}/report",
    response_model=PartnerReportOut,
    summary="An organisation's partner report: standing, recommendations, similar partners, "
    "change since the previous round",
    responses={
        404: problem(
            "The round or organisation is unknown, or ?lang= names a language the round's "
            "questionnaire version has no texts in",
            NotFound,
        )
    },
)
def organisation_report(
    round_id: RoundId,
    organisation_id: IdPath,
    caller: ResultsReader,
    session: SessionDep,
    lang: Annotated[
        LanguageCode | None,
        Query(description="The recommendations' language (default: the version's default)"),
    ] = None,
) -> PartnerReportOut:
    round_ = directory.round_(session, caller.project_id, round_id)
    organisation = directory.organisation(session, round_.project_id, organisation_id)
    project = directory.project(session, round_.project_id)
    definition = responses.definition_of(session, round_)
    language = questionnaires.asked_language(definition, lang, definition.default_language)
    found = partner_report.partner_report(session, project, round_, organisation, language)
    subject = found.subject
    return PartnerReportOut(
        round_id=round_id,
        organisation_id=organisation_id,
        name=organisation.name,
        language=language,
        responses=subject.responses,
        min_group_size=found.profile.min_group_size,
        shown=found.shown,
        compared=found.compared and found.shown,
        dimensions=_own(found, ScoreKind.DIMENSION),
        areas=_own(found, ScoreKind.AREA),
        indexes=_own(found, ScoreKind.INDEX),
        overall=(_own(found, ScoreKind.OVERALL) or {}).get(cohort.OVERALL),
        cohort=cohort_out(found.profile) if found.compared and found.shown else None,
        standing=dict(found.standing.dimensions) if found.standing is not None else None,
        strengths=list(found.strengths),
        weaknesses=list(found.weaknesses),
        weak=list(found.weak),
        recommendations=dict(found.recommendations),
        similar=similar_out(found.similar) if found.similar is not None else None,
        change=_change_out(found.change) if found.change is not None else None,
    )


def _own(found: partner_report.PartnerReport, kind: ScoreKind) -> dict[str, GroupScore] | None:
    return dict(found.subject.scores.get(kind, {})) if found.shown else None


def _change_out(found: partner_report.ChangeSince) -> ChangeSinceOut:
    return ChangeSinceOut(
        before_round_id=found.rounds.before.id or 0,
        organisation=organisation_change_out(found.organisation),
        cohort={
            name: {
                key: CohortChangeOut(**vars(value))
                for key, value in found.rounds.cohort[kind].items()
            }
            for kind, name in round_change.PARTS.items()
        }
        if found.compared
        else None,
    )
