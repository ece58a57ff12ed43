"""The token's project, its organisations and its rounds: read-only. A cross-project token (an
admin's) reaches every project, and ``GET /projects`` lists them (a project token's: its own).

Every token may read its own project's structure (which organisations and rounds exist):
writing responses needs their ids, and none of it holds answers or results. A round's
progress (counts per organisation) needs ``results:read``. Objects are found by id only
within the token's project; any other id is 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field
from sqlmodel import Session

from app.api.auth import Authenticated, CallerDep, ResultsReader
from app.api.pagination import Page, PageDep
from app.api.problem_docs import PROBLEM_RESPONSES, TOKEN_RESPONSES
from app.deps import SessionDep
from app.models import Organisation, Project, Round
from app.services import api_tokens, directory, progress
from app.services.paging import Slice
from app.services.rounds import RoundState, groups_of, round_state

router = APIRouter(
    tags=["projects"],
    dependencies=[Authenticated],
    responses={**PROBLEM_RESPONSES, **TOKEN_RESPONSES},
)
SlugPath = Annotated[str, Path(description="The token's project", examples=["eu-network"])]
IdPath = Annotated[int, Path(ge=1, le=2**31 - 1, examples=[1])]


class ProjectOut(BaseModel):
    slug: str
    name: str
    description: str
    min_group_size: int
    created_at: datetime

    @classmethod
    def of(cls, row: Project) -> ProjectOut:
        return cls.model_validate(row, from_attributes=True)


class TokenOut(BaseModel):
    name: str
    prefix: str
    project: str | None = Field(
        description="The slug of the token's project; null for a cross-project token, which "
        "reaches every project"
    )
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None


class OrganisationOut(BaseModel):
    id: int
    name: str
    country: str
    kind: str
    population: int | None = Field(description="Residents; null when not known")
    foreign_born_share: float | None = Field(
        description="Percent of residents born abroad, 0 to 100; null when not known"
    )
    area_type: str | None = Field(description="urban or rural; null when not known")
    created_at: datetime

    @classmethod
    def of(cls, row: Organisation) -> OrganisationOut:
        return cls.model_validate(row, from_attributes=True)


class QuestionnaireRef(BaseModel):
    slug: str
    version: str


class RoundGroupOut(BaseModel):
    key: str = Field(examples=["city-council"])
    labels: dict[str, str] = Field(
        description="Per language code", examples=[{"en": "City council"}]
    )


class RoundOut(BaseModel):
    id: int
    project: str = Field(description="The slug of the round's project")
    name: str
    questionnaire: QuestionnaireRef
    stakeholder_groups: list[RoundGroupOut] = Field(
        description="The round's own groups, in their order; empty when it has none (then a "
        "response's group is any key like civil-society)"
    )
    state: RoundState
    opens_at: datetime | None
    closes_at: datetime | None
    closed_at: datetime | None
    anonymous: bool
    notice_version: str
    created_at: datetime

    @classmethod
    def of(cls, row: Round, questionnaire: tuple[str, str], project: str) -> RoundOut:
        assert row.id is not None
        return cls(
            id=row.id,
            project=project,
            name=row.name,
            questionnaire=QuestionnaireRef(slug=questionnaire[0], version=questionnaire[1]),
            stakeholder_groups=[
                RoundGroupOut(key=group.key, labels=dict(group.labels)) for group in groups_of(row)
            ],
            state=round_state(row),
            opens_at=row.opens_at,
            closes_at=row.closes_at,
            closed_at=row.closed_at,
            anonymous=row.anonymous,
            notice_version=row.notice_version,
            created_at=row.created_at,
        )


class OrganisationProgressOut(BaseModel):
    organisation_id: int
    name: str
    drafts: int
    submitted: int


class ProgressOut(BaseModel):
    round_id: int
    drafts: int
    submitted: int
    organisations: list[OrganisationProgressOut]


def rounds_out(session: Session, rows: list[Round]) -> list[RoundOut]:
    named = directory.questionnaires_of(session, rows)
    slugs = directory.project_slugs(session, {row.project_id for row in rows})
    return [
        RoundOut.of(row, named[row.questionnaire_version_id], slugs[row.project_id]) for row in rows
    ]


@router.get("/token", response_model=TokenOut, summary="The calling token and its project")
def current_token(caller: CallerDep, session: SessionDep) -> TokenOut:
    row = api_tokens.get_token(session, caller.token_id)
    return TokenOut(
        name=row.name,
        prefix=row.prefix,
        project=None
        if caller.project_id is None
        else directory.project(session, caller.project_id).slug,
        scopes=list(row.scopes),
        created_at=row.created_at,
        expires_at=row.expires_at,
    )


@router.get(
    "/projects",
    response_model=Page[ProjectOut],
    summary="The projects the token reaches (its own; every one for a cross-project token)",
)
def list_projects(caller: CallerDep, session: SessionDep, page: PageDep) -> Page[ProjectOut]:
    found = directory.page_projects(session, caller.project_id, page.limit, page.offset)
    return page.of(found.map(ProjectOut.of))


@router.get("/projects/{slug}", response_model=ProjectOut, summary="The token's project")
def get_project(slug: SlugPath, caller: CallerDep, session: SessionDep) -> ProjectOut:
    return ProjectOut.of(directory.project_by_slug(session, caller.project_id, slug))


@router.get(
    "/projects/{slug}/organisations",
    response_model=Page[OrganisationOut],
    summary="The project's organisations",
)
def list_organisations(
    slug: SlugPath,
    caller: CallerDep,
    session: SessionDep,
    page: PageDep,
    country: Annotated[
        str | None, Query(min_length=2, max_length=2, description="ISO 3166 code, e.g. DE")
    ] = None,
    kind: Annotated[str | None, Query(max_length=32, description="e.g. region")] = None,
) -> Page[OrganisationOut]:
    project = directory.project_by_slug(session, caller.project_id, slug)
    assert project.id is not None
    found = directory.page_organisations(
        session, project.id, page.limit, page.offset, country=country, kind=kind
    )
    return page.of(found.map(OrganisationOut.of))


@router.get(
    "/organisations/{organisation_id}", response_model=OrganisationOut, summary="An organisation"
)
def get_organisation(
    organisation_id: IdPath, caller: CallerDep, session: SessionDep
) -> OrganisationOut:
    return OrganisationOut.of(directory.organisation(session, caller.project_id, organisation_id))


@router.get(
    "/projects/{slug}/rounds", response_model=Page[RoundOut], summary="The project's rounds"
)
def list_rounds(
    slug: SlugPath,
    caller: CallerDep,
    session: SessionDep,
    page: PageDep,
    state: Annotated[RoundState | None, Query(description="Only rounds in this state")] = None,
) -> Page[RoundOut]:
    project = directory.project_by_slug(session, caller.project_id, slug)
    assert project.id is not None
    found = directory.page_rounds(session, project.id, page.limit, page.offset, state=state)
    return page.of(Slice(rounds_out(session, found.items), found.total, found.limit, found.offset))


@router.get("/rounds/{round_id}", response_model=RoundOut, summary="A round")
def get_round(round_id: IdPath, caller: CallerDep, session: SessionDep) -> RoundOut:
    return rounds_out(session, [directory.round_(session, caller.project_id, round_id)])[0]


@router.get(
    "/rounds/{round_id}/progress",
    response_model=ProgressOut,
    summary="A round's progress: drafts and submissions per organisation",
)
def round_progress(round_id: IdPath, caller: ResultsReader, session: SessionDep) -> ProgressOut:
    found = progress.round_progress(session, directory.round_(session, caller.project_id, round_id))
    return ProgressOut(
        round_id=round_id,
        drafts=sum(row.drafts for row in found),
        submitted=sum(row.submitted for row in found),
        organisations=[OrganisationProgressOut.model_validate(vars(row)) for row in found],
    )
