"""Profiles: of one submitted response (``results:read``), and of answers scored on the spot
without storing anything (``POST /score``, ``questionnaires:read``).

Both are the scoring library's :class:`scoring.Profile` as JSON: each score unrounded
(``score``) beside the value people read (``rounded``, the rule of the result page), with its
band, coverage and the reason when there is no score. A response's profile is the one its
result page draws (:func:`app.services.results.own_profile`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from app import limits
from app.api.auth import Authenticated, QuestionnairesReader, ResultsReader
from app.api.json_body import BoundedJsonRoute
from app.api.problem_docs import PROBLEM_RESPONSES, TOKEN_RESPONSES, problem
from app.api.v1.projects import IdPath
from app.api.v1.response_schemas import ANSWER_SCHEMA, BODY_PROBLEMS, PublicId, RoundId
from app.deps import SessionDep
from app.errors import Conflict, InvalidInput, NotFound, choice
from app.i18n import N_, Message
from app.models import OrganisationKind, ScoreKind
from app.services import cohort, directory, questionnaires, response_intake, responses, results
from app.stakeholder_groups import KEY_PATTERN
from scoring import (
    CohortPosition,
    Definition,
    GroupScore,
    LanguageCode,
    Profile,
    Summary,
    recommendations,
)

DRAFT_HAS_NO_PROFILE = N_("the response is a draft: it has a profile once submitted")

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
    language: str = Field(description="The language of the recommendations")
    recommendations: dict[str, list[str]] = Field(
        description="Per weakness of the profile (a dimension below the questionnaire's "
        "threshold), its recommendations, as the result page lists them"
    )

    @classmethod
    def of(
        cls,
        response_id: str | None,
        not_counted: Iterable[str],
        profile: Profile,
        definition: Definition,
        language: str,
    ) -> ProfileOut:
        return cls(
            response_id=response_id,
            not_counted=list(not_counted),
            profile=profile,
            language=language,
            recommendations=recommendations(definition, profile, language),
        )


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
    language: LanguageCode | None = Field(
        default=None,
        description="The recommendations' language (default: the version's default language)",
        examples=["de"],
    )


@router.get(
    "/responses/{public_id}/profile",
    response_model=ProfileOut,
    summary="The profile of a submitted response",
    responses={
        404: problem(
            "No such response, or ?lang= names a language its questionnaire version has no "
            "texts in",
            NotFound,
        ),
        409: problem("The response is a draft: it has no profile yet", Conflict),
    },
)
def response_profile(
    public_id: PublicId,
    caller: ResultsReader,
    session: SessionDep,
    lang: Annotated[
        LanguageCode | None,
        Query(description="The recommendations' language (default: the response's)"),
    ] = None,
) -> ProfileOut:
    context = response_intake.find(session, caller.project_id, public_id)
    definition = context.definition
    language = questionnaires.asked_language(definition, lang, context.response.language)
    if not context.submitted:
        raise Conflict(Message(DRAFT_HAS_NO_PROFILE))
    written = response_intake.written(context.response, definition)
    profile = results.own_profile(context)
    return ProfileOut.of(public_id, written.not_counted, profile, definition, language)


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
    definition = scored.definition
    language = response_intake.offered_language(
        definition, payload.language or definition.default_language
    )
    return ProfileOut.of(None, scored.not_counted, scored.profile, definition, language)


_ONE_ATTRIBUTE = "(" + "|".join(cohort.ATTRIBUTES) + ")"
ATTRIBUTES_PATTERN = f"^{_ONE_ATTRIBUTE}(,{_ONE_ATTRIBUTE})*$"


def cohort_filters(
    country: Annotated[
        str | None,
        Query(pattern="^[A-Za-z]{2}$", description="Only organisations of this country (DE)"),
    ] = None,
    kind: Annotated[
        OrganisationKind | None, Query(description="Only organisations of this kind")
    ] = None,
    group: Annotated[
        str | None,
        Query(
            max_length=100,
            pattern=KEY_PATTERN,
            description="Only responses of this stakeholder group (its key, civil-society)",
        ),
    ] = None,
    organisations: Annotated[
        list[Annotated[int, Field(ge=1, le=limits.INT_MAX)]] | None,
        Query(max_length=cohort.MAX_CHOSEN, description="Only these organisations (repeat)"),
    ] = None,
) -> cohort.Filters:
    """The filters of a round's cohort (query parameters of its profile and its change),
    checked by :func:`app.services.cohort.filters`."""
    return cohort.filters(
        country=country,
        kind=kind.value if kind else None,
        group=group,
        organisations=organisations or (),
    )


CohortFilters = Annotated[cohort.Filters, Depends(cohort_filters)]


class CohortOut(BaseModel):
    """Per target: the distribution of the shown organisations' means (n counts them)."""

    dimensions: dict[str, Summary]
    areas: dict[str, Summary]
    indexes: dict[str, Summary]
    overall: Summary | None


class StakeholderGroupOut(BaseModel):
    group: str
    responses: int
    dimensions: dict[str, GroupScore]


class CohortOrganisationOut(BaseModel):
    organisation_id: int
    name: str
    country: str
    kind: str
    responses: int = Field(description="Submitted responses counted (under the filters)")
    shown: bool = Field(
        description="False below the minimum group size: not enough responses, every score "
        "below is null"
    )
    dimensions: dict[str, GroupScore] | None
    areas: dict[str, GroupScore] | None
    indexes: dict[str, GroupScore] | None
    overall: GroupScore | None
    disagreements: list[str] = Field(description="Dimensions whose stakeholders disagree")
    standing: dict[str, CohortPosition] | None = Field(
        description="Per dimension: the cohort mean, the difference to it and the mid-rank "
        "percentile rank (0-100) among the shown organisations"
    )
    stakeholder_groups: list[StakeholderGroupOut] = Field(
        description="Each stakeholder group's dimension scores, for groups at or above the "
        "minimum size"
    )
    small_stakeholder_groups: int = Field(description="Groups below the minimum size")


class PartnerOut(BaseModel):
    organisation_id: int
    name: str
    distance: float = Field(description="Gower distance over the chosen attributes, 0 to 1")


class OrganisationRef(BaseModel):
    organisation_id: int
    name: str


class SimilarOut(BaseModel):
    organisation_id: int
    attributes: list[str]
    k: int
    partners: list[PartnerOut]
    left_out: list[OrganisationRef] = Field(
        description="Organisations with scores but without a chosen attribute"
    )
    percentile_within_partners: dict[str, float | None] = Field(
        description="Per dimension and overall: the mid-rank percentile rank among the "
        "organisation and its partners"
    )
    percentile_within_cohort: dict[str, float | None]


class FiltersOut(BaseModel):
    country: str | None
    kind: str | None
    stakeholder_group: str | None
    organisations: list[int]


class RoundProfileOut(BaseModel):
    round_id: int
    questionnaire: str
    version: str
    min_group_size: int
    filters: FiltersOut
    responses: int = Field(description="Submitted responses counted in the cohort")
    organisations: list[CohortOrganisationOut] = Field(
        description="Sorted by overall index, highest first; those not shown last"
    )
    cohort: CohortOut
    similar: SimilarOut | None = Field(description="With ?organisation=: its similar partners")


def _organisation_out(
    profile: cohort.RoundProfile, one: cohort.OrganisationProfile
) -> CohortOrganisationOut:
    organisation = one.organisation
    assert organisation.id is not None
    scores = one.scores
    standing = profile.comparisons[ScoreKind.DIMENSION].organisations.get(str(organisation.id))
    return CohortOrganisationOut(
        organisation_id=organisation.id,
        name=organisation.name,
        country=organisation.country,
        kind=organisation.kind,
        responses=one.responses,
        shown=one.shown,
        dimensions=dict(scores[ScoreKind.DIMENSION]) if one.shown else None,
        areas=dict(scores[ScoreKind.AREA]) if one.shown else None,
        indexes=dict(scores[ScoreKind.INDEX]) if one.shown else None,
        overall=scores[ScoreKind.OVERALL][cohort.OVERALL] if one.shown else None,
        disagreements=list(one.disagreements),
        standing=dict(standing.dimensions) if standing is not None else None,
        stakeholder_groups=[
            StakeholderGroupOut(group=g.group, responses=g.responses, dimensions=dict(g.dimensions))
            for g in one.groups
        ],
        small_stakeholder_groups=one.small_groups,
    )


def cohort_out(found: cohort.RoundProfile) -> CohortOut:
    """The distribution of the shown organisations' means per topic."""
    summaries = {kind_: found.cohort(kind_) for kind_ in cohort.KINDS_OF_SCORE}
    return CohortOut(
        dimensions=dict(summaries[ScoreKind.DIMENSION]),
        areas=dict(summaries[ScoreKind.AREA]),
        indexes=dict(summaries[ScoreKind.INDEX]),
        overall=summaries[ScoreKind.OVERALL].get(cohort.OVERALL),
    )


def similar_out(found: cohort.SimilarPartners) -> SimilarOut:
    assert found.organisation.organisation.id is not None
    return SimilarOut(
        organisation_id=found.organisation.organisation.id,
        attributes=list(found.attributes),
        k=found.k,
        partners=[
            PartnerOut(
                organisation_id=n.profile.organisation.id or 0,
                name=n.profile.organisation.name,
                distance=n.distance,
            )
            for n in found.neighbours
        ],
        left_out=[OrganisationRef(organisation_id=o.id or 0, name=o.name) for o in found.left_out],
        percentile_within_partners=dict(found.within_group),
        percentile_within_cohort=dict(found.within_cohort),
    )


@router.get(
    "/rounds/{round_id}/profile",
    response_model=RoundProfileOut,
    summary="A round's profile: every organisation against the cohort, stakeholder agreement "
    "and, for one organisation, its similar partners",
    responses={
        409: problem(
            "The organisation for similar partners has not enough responses or lacks a "
            "chosen attribute",
            cohort.NotComparable,
        ),
        422: problem(
            "Invalid filters, or ?organisation= is no organisation of the cohort", InvalidInput
        ),
    },
)
def round_profile(
    round_id: RoundId,
    caller: ResultsReader,
    session: SessionDep,
    chosen: CohortFilters,
    organisation: Annotated[
        int | None,
        Query(ge=1, le=limits.INT_MAX, description="Find this organisation's similar partners"),
    ] = None,
    k: Annotated[
        int, Query(ge=1, le=cohort.MAX_K, description="How many similar partners")
    ] = cohort.DEFAULT_K,
    attributes: Annotated[
        str | None,
        Query(
            max_length=200,
            pattern=ATTRIBUTES_PATTERN,
            description="Comma-separated, of " + ", ".join(cohort.ATTRIBUTES) + " (default all)",
            examples=["population,kind"],
        ),
    ] = None,
) -> RoundProfileOut:
    round_ = directory.round_(session, caller.project_id, round_id)
    cohort.check_group(session, chosen.group, round_)
    project = directory.project(session, round_.project_id)
    found = cohort.round_profile(session, project, round_, chosen)
    similar = None
    if organisation is not None:
        names = cohort.attributes((attributes or "").split(","))
        wanted = organisation
        similar = similar_out(
            choice(
                "organisation",
                lambda: cohort.similar_partners(found, wanted, k=k, chosen_attributes=names),
            )
        )
    return RoundProfileOut(
        round_id=round_id,
        questionnaire=found.definition.slug,
        version=found.definition.version,
        min_group_size=found.min_group_size,
        filters=FiltersOut(
            country=chosen.country,
            kind=chosen.kind,
            stakeholder_group=chosen.group,
            organisations=list(chosen.organisations),
        ),
        responses=sum(one.responses for one in found.organisations),
        organisations=[_organisation_out(found, one) for one in found.organisations],
        cohort=cohort_out(found),
        similar=similar,
    )
