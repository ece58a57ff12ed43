"""A project's assessment rounds: list, create, edit (while nobody has answered), extend,
close now and reopen with a reason.

Opening and closing dates are days in the service's time zone (setting ``time_zone``,
:mod:`app.times`): a round opens at the start of its opening day and still accepts answers on
its closing day. Every round is looked up *in* the project of the URL
(:data:`~app.web.facilitate.access.RoundDep`, as on every round page), so an id of another
project is "not found". A form with wrong values comes back with every problem, each beside
its field, and the values typed, and nothing stored.

Every form of a round page carries the round's revision (:attr:`app.models.Round.revision`);
a post whose revision is no longer the stored one (the round was changed meanwhile in another
tab or by someone else) is refused with 409: the page shows the round's current settings and
keeps what was typed, so the facilitator decides and saves again (nothing is lost silently).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData

from app import limits, times
from app.deps import SessionDep
from app.errors import Conflict, InvalidInput, NotFound
from app.forms import Problems, collect, hidden_number, refusal
from app.i18n import N_, Message, language_name
from app.models import Project, QuestionnaireVersion, Round, VersionStatus
from app.services import questionnaires, rounds
from app.services.rounds import RoundChanged, RoundSettings, RoundState, StakeholderGroup
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
OPENING_DAY, CLOSING_DAY = N_("opening day"), N_("closing day")
QUESTIONNAIRE, GROUP = N_("questionnaire"), N_("stakeholder group")
NOT_A_DAY = N_("%(value)s is not a date such as 2027-01-31")
CHOOSE_VERSION = N_("please choose a published version")
LABEL_WITHOUT_KEY = N_("a label was given without a key")
GIVE_CLOSING_DAY = N_("please give the new closing day")
FIELDS = {
    OPENING_DAY: "opens",
    rounds.OPENING_TIME: "opens",
    CLOSING_DAY: "closes",
    rounds.CLOSING_TIME: "closes",
    "closes": "closes",
    rounds.ROUND_NAME: "name",
    rounds.NOTICE_VERSION: "notice_version",
    rounds.MIN_GROUP_SIZE: "min_group_size",
    rounds.REASON: "reason",
    "groups": "groups",
    "version": "version",
}
"""The form field beside which a problem is shown, by the ``field`` its error names."""


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
    revision: str = ""
    """The round revision the form was loaded at (hidden field; "" for a new round)."""
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
    """A typed day (``2027-01-31``, as date inputs send it) in the years 2000 to 2999;
    ``what`` is the field's label (``N_``)."""
    if not text.strip():
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise limits.field_problem(what, Message(NOT_A_DAY, value=shorten(text))) from None
    limits.moment(datetime(day.year, day.month, day.day, tzinfo=UTC), what)
    return day


def _opening(text: str, time_zone: str) -> datetime | None:
    """The start of the typed opening day in the service's time zone (None: none typed)."""
    day = _day(text, OPENING_DAY)
    return None if day is None else times.start_of_day(day, time_zone)


def _closing(text: str, time_zone: str) -> datetime | None:
    """The end of the typed closing day in the service's time zone (None: none typed)."""
    day = _day(text, CLOSING_DAY)
    return None if day is None else times.end_of_day(day, time_zone)


def _whole_number(text: str, what: str, *, low: int) -> int | None:
    """A typed whole number from ``low`` to what an ``INTEGER`` column holds; anything else
    (letters, a sign, 2147483648) is refused naming that range (:func:`app.limits.integer`)."""
    text = text.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit() and len(text) <= len(str(limits.INT_MAX)):
        return limits.integer(int(text), what, low=low)
    raise limits.field_problem(
        what, Message(limits.WHOLE_NUMBER_RANGE, value=shorten(text), low=low, high=limits.INT_MAX)
    )


def _revision(text: str) -> int:
    """The posted round revision: a missing one is stale (0 is never stored), one that is no
    whole number a page could have written is refused naming the field
    (:func:`app.forms.hidden_number`)."""
    return hidden_number(text, "revision") or 0


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
        revision=field(form, "revision"),
        notices=notices,
        groups=[(keys.get(row, ""), labels.get(row, {})) for row in sorted({*keys, *labels})],
    )


def _version(session: Session, slug: str, version: str, round_: Round | None) -> None:
    """:class:`InvalidInput` (field ``version``) for a chosen version that does not exist or
    can take no round (retired, not published): a wrong value of the questionnaire field,
    shown beside it (:func:`app.services.rounds.chosen_version`)."""
    try:
        rounds.chosen_version(session, slug, version, round_)
    except (NotFound, Conflict) as refused:
        problem = Message(
            limits.FIELD_PROBLEM, field=Message(QUESTIONNAIRE), problem=refused.message
        )
        raise InvalidInput(problem, field="version") from None


def _groups(typed: Typed) -> list[StakeholderGroup]:
    """The typed stakeholder groups (rows without a key and labels left out), their keys
    checked (:func:`app.services.rounds.check_group_keys`); :class:`InvalidInput` for the
    first problem of the groups."""
    groups = []
    for key, labels in typed.groups:
        if not key.strip():
            if any(label.strip() for label in labels.values()):
                raise limits.field_problem(GROUP, Message(LABEL_WITHOUT_KEY))
            continue
        groups.append(StakeholderGroup(key.strip(), labels))
    rounds.check_group_keys(groups)
    for group in groups:
        rounds.check_group_labels(group)
    return groups


def _settings(
    session: Session, typed: Typed, time_zone: str, round_: Round | None = None
) -> tuple[str, str, RoundSettings]:
    """The questionnaire slug, version and settings of a posted form for a new round
    (``round_`` None) or ``round_``, or an :class:`InvalidInput` with every problem of the
    form at once, each under its field (``extra["form_problems"]``): the fields' own values,
    the chosen version and the group keys. What needs the version's languages (notices and
    labels) and the stored rounds (a name taken) the service checks afterwards."""
    problems: Problems = {}
    slug, _sep, version = typed.version.partition("/")
    if not slug or not version:
        problems["version"] = Message(
            limits.FIELD_PROBLEM, field=Message(QUESTIONNAIRE), problem=Message(CHOOSE_VERSION)
        )
    else:
        collect(problems, "version", lambda: _version(session, slug, version, round_))
    name = typed.name.strip()
    collect(problems, "name", lambda: limits.name(name, rounds.ROUND_NAME, column=Round.name))
    opens_at = collect(problems, "opens", lambda: _opening(typed.opens, time_zone))
    closes_at = collect(problems, "closes", lambda: _closing(typed.closes, time_zone))
    collect(problems, "closes", lambda: rounds.check_window(opens_at, closes_at))
    if closes_at is not None and (round_ is None or closes_at != round_.closes_at):
        closing = closes_at
        collect(problems, "closes", lambda: rounds.check_future(closing))
    min_group_size = collect(
        problems,
        "min_group_size",
        lambda: _whole_number(typed.min_group_size, rounds.MIN_GROUP_SIZE, low=1),
    )
    collect(
        problems,
        "notice_version",
        lambda: rounds.check_notice_version(typed.notice_version.strip()),
    )
    for language, text in typed.notices.items():
        collect(problems, f"notice-{language}", partial(rounds.check_notice, language, text))
    groups = collect(problems, "groups", lambda: _groups(typed)) or []
    if problems:
        raise refusal(problems)
    settings = RoundSettings(
        name=name,
        opens_at=opens_at,
        closes_at=closes_at,
        anonymous=typed.anonymous,
        min_group_size=min_group_size,
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
        revision=str(round_.revision),
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
    problems: Problems | None = None,
    current: Typed | None = None,
    window: dict[str, str] | None = None,
    window_problems: Problems | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The create form (``round_`` None) or a round's page with its edit form; ``error`` is
    shown at the top, ``problems`` beside their fields and in the summary, ``current`` the
    stored settings beside the typed ones (after a conflict), ``window`` what was typed into
    the extend or reopen form and ``window_problems`` its problems."""
    choices, languages = _versions(request, session)
    if typed.version and typed.version not in {value for value, _title in choices}:
        # retired since, or refused as typed: shown as it is, never silently another one
        choices.append((typed.version, typed.version.replace("/", " ")))
    context: dict[str, Any] = {
        "project": project,
        "typed": typed,
        "choices": choices,
        "notice_languages": [(code, language_name(code)) for code in languages],
        "group_rows": [*typed.groups, *([("", {})] * EMPTY_GROUP_ROWS)],
        "error": error,
        "problems": problems or {},
        "current": current,
        "window": window or {},
        "window_problems": window_problems or {},
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
    window: dict[str, str] | None = None,
) -> HTMLResponse:
    """The form again with the problem(s) and the values ``typed`` (None: the round as
    stored) or ``window`` (the extend or reopen form's); the unit of work stores nothing of
    this request. A form field naming something that does not exist (a questionnaire) is a
    wrong value. A stale revision shows the stored settings beside what was typed, and the
    form then carries the current revision, so saving again is a deliberate choice."""
    session.rollback()
    session.refresh(project)
    round_ = None if round_id is None else rounds.round_in(session, project, round_id)
    time_zone = _time_zone(request)
    stored = None if round_ is None else _typed_from(session, round_, time_zone)
    typed = typed or stored
    assert typed is not None
    current = None
    if isinstance(problem, RoundChanged) and stored is not None:
        current = stored
        typed = dataclasses.replace(typed, revision=stored.revision)
    if "form_problems" in problem.extra:
        problems = problem.extra["form_problems"]
    else:
        where = FIELDS.get(str(problem.extra.get("field", "")))
        problems = {} if where is None else {where: problem.message}
    status = 422 if isinstance(problem, NotFound) else problem.status_code
    return _form_page(
        request,
        session,
        facilitator,
        project,
        typed,
        round_=round_,
        error=None if problems else problem.message,
        problems=None if window is not None else problems,
        current=current,
        window=window,
        window_problems=problems if window is not None else None,
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
        slug, version, settings = _settings(session, typed, _time_zone(request))
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
        slug, version, settings = _settings(session, typed, _time_zone(request), round_)
        rounds.update_round(
            session,
            project,
            round_,
            slug,
            version,
            settings,
            seen=_revision(typed.revision),
            actor=facilitator.actor,
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
    window = {"closes": field(form, "closes")}
    try:
        closes_at = _closing(window["closes"], _time_zone(request))
        if closes_at is None:
            raise limits.field_problem(CLOSING_DAY, Message(GIVE_CLOSING_DAY))
        rounds.extend_round(
            session,
            round_,
            closes_at,
            seen=_revision(field(form, "revision")),
            actor=facilitator.actor,
        )
    except (InvalidInput, Conflict) as problem:
        return _refused(
            request, session, facilitator, project, problem, round_id=round_id, window=window
        )
    return redirect(request, "facilitate.round", slug=project.slug, round_id=round_id)


@router.post("/projects/{slug}/rounds/{round_id}/close", name="facilitate.round.close")
def close_round(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    round_id: int,
    round_: RoundDep,
    form: FormDep,
) -> Response:
    """Close now: links stop accepting answers; results stay."""
    try:
        rounds.close_round(
            session, round_, seen=_revision(field(form, "revision")), actor=facilitator.actor
        )
    except (InvalidInput, Conflict) as problem:
        return _refused(request, session, facilitator, project, problem, round_id=round_id)
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
    window = {"closes": field(form, "closes"), "reason": field(form, "reason")}
    try:
        problems: Problems = {}  # every problem of the form at once, beside its field
        collect(problems, "reason", lambda: rounds.check_reason(window["reason"]))
        closes_at = collect(
            problems, "closes", lambda: _closing(window["closes"], _time_zone(request))
        )
        if "closes" not in problems:
            collect(problems, "closes", lambda: rounds.reopened_closing(round_, closes_at))
        if problems:
            raise refusal(problems)
        rounds.reopen_round(
            session,
            round_,
            window["reason"],
            closes_at=closes_at,
            seen=_revision(field(form, "revision")),
            actor=facilitator.actor,
        )
    except (InvalidInput, Conflict) as problem:
        return _refused(
            request, session, facilitator, project, problem, round_id=round_id, window=window
        )
    return redirect(request, "facilitate.round", slug=project.slug, round_id=round_id)
