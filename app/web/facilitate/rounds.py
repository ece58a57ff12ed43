"""A project's assessment rounds: list, create, edit (while nobody has answered), extend,
close now and reopen with a reason.

Opening and closing dates are days in the service's time zone (setting ``time_zone``,
:mod:`app.times`): a round opens at the start of its opening day and still accepts answers on
its closing day. Every round is looked up *in* the project of the URL
(:data:`~app.web.facilitate.access.RoundDep`, as on every round page), so an id of another
project is "not found". A form with a wrong value comes back with the message and the values
typed, and nothing stored.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData

from app import limits, times
from app.deps import SessionDep
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_, Message, language_name
from app.models import Project, QuestionnaireVersion, Round, VersionStatus
from app.services import questionnaires, rounds
from app.services.partner_fields import NOT_WHOLE
from app.services.rounds import RoundSettings, RoundState, StakeholderGroup
from app.templating import localizer_for
from app.web.csrf import FormDep
from app.web.facilitate.access import (
    AREA,
    Facilitator,
    FacilitatorDep,
    ProjectDep,
    RoundDep,
    field,
    redirect,
    render,
)
from scoring import shorten

router = APIRouter(dependencies=AREA)

STATES = {
    RoundState.OPEN: N_("open"),
    RoundState.NOT_YET_OPEN: N_("scheduled"),
    RoundState.CLOSED: N_("closed"),
}
EMPTY_GROUP_ROWS = 3
"""Blank stakeholder-group rows a form offers below the existing ones (no JavaScript needed)."""
_GROUP_FIELD = re.compile(r"group-(\d{1,3})-(key|label-(.+))")
_NOTICE_FIELD = re.compile(r"notice-(.+)")
Refusal = InvalidInput | Conflict | NotFound


@dataclass
class Typed:
    """A round form's values as typed (shown again when the form comes back)."""

    version: str = ""
    name: str = ""
    opens: str = ""
    closes: str = ""
    anonymous: bool = False
    min_group_size: str = ""
    notice_version: str = "1"
    notices: dict[str, str] = dataclasses.field(default_factory=dict)
    groups: list[tuple[str, dict[str, str]]] = dataclasses.field(default_factory=list)


def _choice(row: QuestionnaireVersion, slug: str) -> str:
    """A version's value in the questionnaire select: ``slug/version``."""
    return f"{slug}/{row.version}"


def _versions(request: Request, session: Session) -> tuple[list[tuple[str, str]], list[str]]:
    """The published versions to choose from (value, "title version" in the page language)
    and every language they have, for the notice and label fields."""
    i18n = localizer_for(request)
    choices: list[tuple[str, str]] = []
    languages: list[str] = []
    for questionnaire, versions in questionnaires.list_questionnaires(session):
        for row in versions:
            if row.status != VersionStatus.PUBLISHED:
                continue
            definition = questionnaires.definition_of(row)
            title = i18n.text(definition.title)
            choices.append((_choice(row, questionnaire.slug), f"{title} {row.version}"))
            languages += [code for code in definition.languages if code not in languages]
    return choices, languages


def _day(text: str, what: str) -> date | None:
    """A typed day (``2027-01-31``, as date inputs send it) in the years 2000 to 2999."""
    if not text.strip():
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        example = Message(limits.NOT_A_DATE, value=shorten(text), example="2027-01-31")
        raise limits.field_problem(what, example) from None
    limits.moment(datetime(day.year, day.month, day.day, tzinfo=UTC), what)
    return day


def _opening(text: str, time_zone: str) -> datetime | None:
    """The start of the typed opening day in the service's time zone (None: none typed)."""
    day = _day(text, N_("opening day"))
    return None if day is None else times.start_of_day(day, time_zone)


def _closing(text: str, time_zone: str) -> datetime | None:
    """The end of the typed closing day in the service's time zone (None: none typed)."""
    day = _day(text, N_("closing day"))
    return None if day is None else times.end_of_day(day, time_zone)


def _whole_number(text: str, what: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        raise limits.field_problem(what, Message(NOT_WHOLE, value=shorten(text)))
    return int(text)


def _typed(form: FormData) -> Typed:
    notices = {}
    keys: dict[int, str] = {}
    labels: dict[int, dict[str, str]] = {}
    for name in form:
        value = field(form, name)
        if notice := _NOTICE_FIELD.fullmatch(name):
            notices[notice.group(1)] = value
        elif group := _GROUP_FIELD.fullmatch(name):
            row = int(group.group(1))
            if group.group(2) == "key":
                keys[row] = value
            else:
                labels.setdefault(row, {})[group.group(3)] = value
    return Typed(
        version=field(form, "version"),
        name=field(form, "name"),
        opens=field(form, "opens"),
        closes=field(form, "closes"),
        anonymous=field(form, "anonymous") == "yes",
        min_group_size=field(form, "min_group_size"),
        notice_version=field(form, "notice_version") or "1",
        notices=notices,
        groups=[(keys.get(row, ""), labels.get(row, {})) for row in sorted({*keys, *labels})],
    )


def _settings(typed: Typed, time_zone: str) -> tuple[str, str, RoundSettings]:
    """The questionnaire slug, version and settings of a posted form, or InvalidInput."""
    slug, _sep, version = typed.version.partition("/")
    if not slug or not version:
        raise InvalidInput("questionnaire: please choose a published version", field="version")
    groups = []
    for key, labels in typed.groups:
        if not key.strip():
            if any(label.strip() for label in labels.values()):
                raise InvalidInput(
                    "stakeholder group: a label was given without a key", field="groups"
                )
            continue
        groups.append(StakeholderGroup(key.strip(), labels))
    settings = RoundSettings(
        name=typed.name.strip(),
        opens_at=_opening(typed.opens, time_zone),
        closes_at=_closing(typed.closes, time_zone),
        anonymous=typed.anonymous,
        min_group_size=_whole_number(typed.min_group_size, "minimum group size"),
        privacy_notices=typed.notices,
        stakeholder_groups=groups,
        notice_version=typed.notice_version.strip(),
    )
    return slug, version, settings


def _time_zone(request: Request) -> str:
    return str(request.app.state.settings.time_zone)


def _typed_from(session: Session, round_: Round, time_zone: str) -> Typed:
    """A stored round as the form shows it."""
    row = rounds.version_of(session, round_)
    slug = questionnaires.definition_of(row).slug
    return Typed(
        version=_choice(row, slug),
        name=round_.name,
        opens="" if round_.opens_at is None else str(times.opening_day(round_.opens_at, time_zone)),
        closes=""
        if round_.closes_at is None
        else str(times.closing_day(round_.closes_at, time_zone)),
        anonymous=round_.anonymous,
        min_group_size="" if round_.min_group_size is None else str(round_.min_group_size),
        notice_version=round_.notice_version,
        notices=dict(round_.privacy_notices),
        groups=[(group.key, dict(group.labels)) for group in rounds.groups_of(round_)],
    )


@dataclass(frozen=True)
class RoundRow:
    """One line of the rounds list."""

    round: Round
    questionnaire: str
    opens: date | None
    closes: date | None
    state: str
    submitted: int


@router.get("/projects/{slug}/rounds", name="facilitate.rounds")
def round_list(
    request: Request, session: SessionDep, facilitator: FacilitatorDep, project: ProjectDep
) -> Response:
    time_zone = _time_zone(request)
    submitted = rounds.submitted_counts(session, project)
    rows = []
    for round_ in rounds.list_rounds(session, project):
        row = rounds.version_of(session, round_)
        rows.append(
            RoundRow(
                round_,
                f"{questionnaires.definition_of(row).slug} {row.version}",
                None if round_.opens_at is None else times.opening_day(round_.opens_at, time_zone),
                None
                if round_.closes_at is None
                else times.closing_day(round_.closes_at, time_zone),
                STATES[rounds.round_state(round_)],
                submitted.get(round_.id or 0, 0),
            )
        )
    return render(
        request, facilitator, "facilitate/rounds.html", {"project": project, "rows": rows}
    )


def _form_page(
    request: Request,
    session: Session,
    facilitator: Facilitator,
    project: Project,
    typed: Typed,
    *,
    round_: Round | None = None,
    error: Message | str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The create form (``round_`` None) or a round's page with its edit form."""
    choices, languages = _versions(request, session)
    if round_ is not None and typed.version not in {value for value, _title in choices}:
        choices.append((typed.version, typed.version.replace("/", " ")))  # retired since
    context: dict[str, Any] = {
        "project": project,
        "typed": typed,
        "choices": choices,
        "notice_languages": [(code, language_name(code)) for code in languages],
        "group_rows": [*typed.groups, *([("", {})] * EMPTY_GROUP_ROWS)],
        "error": error,
        "round": round_,
    }
    if round_ is not None:
        time_zone = _time_zone(request)
        context |= {
            "state": STATES[rounds.round_state(round_)],
            "is_closed": rounds.round_state(round_) is RoundState.CLOSED,
            "answered": rounds.response_count(session, round_),
            "closes_day": None
            if round_.closes_at is None
            else times.closing_day(round_.closes_at, time_zone),
        }
    template = "facilitate/round.html" if round_ is not None else "facilitate/round_new.html"
    return render(request, facilitator, template, context, status_code=status_code)


@router.get("/projects/{slug}/rounds/new", name="facilitate.rounds.new")
def new_round_page(
    request: Request, session: SessionDep, facilitator: FacilitatorDep, project: ProjectDep
) -> Response:
    typed = Typed(min_group_size=str(project.min_group_size))
    return _form_page(request, session, facilitator, project, typed)


def _refused(
    request: Request,
    session: Session,
    facilitator: Facilitator,
    project: Project,
    problem: Refusal,
    *,
    typed: Typed | None = None,
    round_id: int | None = None,
) -> HTMLResponse:
    """The form again with the problem and the values ``typed`` (None: the round as stored);
    the unit of work stores nothing of this request. A form field naming something that does
    not exist (a questionnaire) is a wrong value."""
    session.rollback()
    session.refresh(project)
    round_ = None if round_id is None else rounds.round_in(session, project, round_id)
    if typed is None:
        assert round_ is not None
        typed = _typed_from(session, round_, _time_zone(request))
    status = 422 if isinstance(problem, NotFound) else problem.status_code
    return _form_page(
        request,
        session,
        facilitator,
        project,
        typed,
        round_=round_,
        error=problem.message,
        status_code=status,
    )


@router.post("/projects/{slug}/rounds", name="facilitate.rounds.create")
def create_round(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    form: FormDep,
) -> Response:
    typed = _typed(form)
    try:
        slug, version, settings = _settings(typed, _time_zone(request))
        round_ = rounds.create_round(
            session,
            project,
            slug,
            version,
            settings.name,
            opens_at=settings.opens_at,
            closes_at=settings.closes_at,
            anonymous=settings.anonymous,
            privacy_notices=settings.privacy_notices,
            notice_version=settings.notice_version,
            min_group_size=settings.min_group_size,
            stakeholder_groups=settings.stakeholder_groups,
            actor=facilitator.actor,
        )
    except (InvalidInput, Conflict, NotFound) as problem:
        return _refused(request, session, facilitator, project, problem, typed=typed)
    return redirect(request, "facilitate.round", slug=project.slug, round_id=round_.id)


@router.get("/projects/{slug}/rounds/{round_id}", name="facilitate.round")
def round_page(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    round_id: int,
    round_: RoundDep,
) -> Response:
    typed = _typed_from(session, round_, _time_zone(request))
    return _form_page(request, session, facilitator, project, typed, round_=round_)


@router.post("/projects/{slug}/rounds/{round_id}", name="facilitate.round.save")
def save_round(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    round_id: int,
    round_: RoundDep,
    form: FormDep,
) -> Response:
    """Change every setting; refused (409) once anyone has answered."""
    typed = _typed(form)
    try:
        slug, version, settings = _settings(typed, _time_zone(request))
        rounds.update_round(
            session, project, round_, slug, version, settings, actor=facilitator.actor
        )
    except (InvalidInput, Conflict, NotFound) as problem:
        return _refused(
            request, session, facilitator, project, problem, typed=typed, round_id=round_id
        )
    return redirect(request, "facilitate.round", slug=project.slug, round_id=round_id)


@router.post("/projects/{slug}/rounds/{round_id}/extend", name="facilitate.round.extend")
def extend_round(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    round_id: int,
    round_: RoundDep,
    form: FormDep,
) -> Response:
    """A later closing day for a round that has not closed (allowed with responses)."""
    try:
        closes_at = _closing(field(form, "closes"), _time_zone(request))
        if closes_at is None:
            raise InvalidInput("closing day: please give the new closing day", field="closes")
        rounds.extend_round(session, round_, closes_at, actor=facilitator.actor)
    except (InvalidInput, Conflict) as problem:
        return _refused(request, session, facilitator, project, problem, round_id=round_id)
    return redirect(request, "facilitate.round", slug=project.slug, round_id=round_id)


@router.post("/projects/{slug}/rounds/{round_id}/close", name="facilitate.round.close")
def close_round(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    round_id: int,
    round_: RoundDep,
) -> Response:
    """Close now: links stop accepting answers; results stay."""
    rounds.close_round(session, round_, actor=facilitator.actor)
    return redirect(request, "facilitate.round", slug=project.slug, round_id=round_id)


@router.post("/projects/{slug}/rounds/{round_id}/reopen", name="facilitate.round.reopen")
def reopen_round(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    round_id: int,
    round_: RoundDep,
    form: FormDep,
) -> Response:
    """Accept answers again in a closed round; the reason (required) goes into the audit log."""
    try:
        closes_at = _closing(field(form, "closes"), _time_zone(request))
        rounds.reopen_round(
            session,
            round_,
            field(form, "reason"),
            closes_at=closes_at,
            actor=facilitator.actor,
        )
    except (InvalidInput, Conflict) as problem:
        return _refused(request, session, facilitator, project, problem, round_id=round_id)
    return redirect(request, "facilitate.round", slug=project.slug, round_id=round_id)
