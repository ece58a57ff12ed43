"""A round's invitation links: the list with revoke buttons, creating links one by one or for
every partner at once (optionally one per stakeholder group), and a new batch as CSV or as a
printable A4 sheet with a QR code per link.

Tokens are stored only as hashes, so a new link exists in plain text only in the answer to the
form that made it (``Cache-Control: no-store``, like every facilitator page). That page posts
the batch's tokens back (one hidden field, with the CSRF token) to the CSV and sheet routes,
which accept them only if every token hashes to a not-revoked invitation of this round
(:func:`app.services.invitations.links_of_round`); organisation and group come from the
database, never from the form. Nothing else keeps the tokens: closing the page loses them, as
with ``radar invite``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import segno
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlmodel import Session
from starlette.datastructures import FormData

from app import links, stakeholder_groups
from app.db_types import utcnow
from app.deps import SessionDep
from app.errors import InvalidInput, choice
from app.forms import Problems, collect, refusal
from app.i18n import N_, Message
from app.models import Organisation, Project, Round
from app.services import invitations, projects, rounds, spreadsheet
from app.services.invitations import NewLink
from app.settings import Settings
from app.web.csrf import FormDep
from app.web.facilitate.access import (
    AREA,
    Facilitator,
    FacilitatorDep,
    ProjectDep,
    RoundDep,
    field,
    group_labels,
    redirect,
    render,
)
from scoring import shorten

router = APIRouter(dependencies=AREA)

ALL = "all"
FORM_FIELDS = ("organisation", "group", "every_group", "kind", "max_uses", "expires", "label")
NUMBER_LENGTH = 20  # digits and sign: more can be no use limit (and int() of it is slow)
STATES = {
    "active": N_("active"),
    "revoked": N_("revoked"),
    "expired": N_("expired"),
    "used": N_("used up"),
}
GROUP_MESSAGE = N_(
    "stakeholder group: use lower-case letters, digits and hyphens, such as civil-society"
)
KINDS = ("single", "multi")
"""The kinds of link the form offers (field ``kind``)."""
NOT_A_KIND = N_("kind of link: %(value)s is not one of %(allowed)s")
USE_LIMIT_SHAPE = N_("use limit: a whole number such as 25")
LAST_DAY_SHAPE = N_("last day: a date such as 2027-01-31")
CHOOSE_PARTNER = N_("please choose a partner or all partners")
GROUP_AND_EVERY_GROUP = N_(
    "stakeholder group: either type one group or tick “one link per stakeholder group”, not both"
)


def group_choices(round_: Round) -> list[str]:
    """The group keys the form suggests for ``round_`` (and "one link per group" makes): the
    round's own groups, else the usual groups of :data:`app.stakeholder_groups.LABELS`."""
    return [group.key for group in rounds.groups_of(round_)] or list(stakeholder_groups.LABELS)


def _group(round_: Round, value: str, *, every_group: bool) -> str | None:
    """A group key as typed (None for none): like :data:`stakeholder_groups.NEW_KEY` and one of
    the round's groups where it has any (:func:`app.services.rounds.checked_group`); typed
    while "one link per group" is ticked is refused too (which was meant? never drop one)."""
    key = value.strip()
    if not key:
        return None
    known = key in {group.key for group in rounds.groups_of(round_)}  # an older key stays usable
    if len(key) > 100 or not (known or stakeholder_groups.NEW_KEY.fullmatch(key)):
        raise InvalidInput(Message(GROUP_MESSAGE), field="group")
    if every_group:
        raise InvalidInput(Message(GROUP_AND_EVERY_GROUP), field="group")
    return rounds.checked_group(round_, key)


def _max_uses(value: str) -> int | None:
    typed = value.strip()
    if not typed:
        return None
    if len(typed) > NUMBER_LENGTH or not typed.lstrip("-").isdigit():
        raise InvalidInput(Message(USE_LIMIT_SHAPE), field="max_uses")
    return int(typed)


def _kind(value: str) -> str:
    """The kind of link chosen: one of :data:`KINDS` (a missing one is single use), else
    :class:`InvalidInput` naming the allowed values."""
    kind = value.strip() or KINDS[0]
    if kind not in KINDS:
        raise InvalidInput(
            Message(NOT_A_KIND, value=shorten(value), allowed=", ".join(KINDS)), field="kind"
        )
    return kind


def _expiry(value: str, settings: Settings) -> Any:
    typed = value.strip()
    if not typed:
        return None
    try:
        if len(typed) != len("2027-01-31"):
            raise ValueError(typed)
        day = date.fromisoformat(typed)
    except ValueError:
        raise InvalidInput(Message(LAST_DAY_SHAPE), field="expires") from None
    return invitations.expiry_after_day(day, settings.time_zone)


def _organisations(session: Session, project: Project, value: str) -> list[Organisation]:
    """Every partner for ``all``, else the one whose id was chosen; an id that is not one of
    the project's partners (a tampered choice) is a wrong value of the field, not a 404, so the
    form comes back with everything typed."""
    if value == ALL:
        return projects.list_organisations(session, project)
    if not value.isdigit() or len(value) > NUMBER_LENGTH:
        raise InvalidInput(Message(CHOOSE_PARTNER), field="organisation")
    return [choice("organisation", lambda: projects.organisation_in(session, project, int(value)))]


def _create(
    session: Session,
    settings: Settings,
    facilitator: Facilitator,
    project: Project,
    round_: Round,
    form: FormData,
) -> list[NewLink]:
    """The links the form asks for, or :class:`InvalidInput` with every problem of the form
    at once, each under its field (:func:`app.forms.refusal`), a partner of another project
    among them; a closed round :class:`invitations.RoundClosed`."""
    problems: Problems = {}
    chosen = collect(
        problems,
        "organisation",
        lambda: _organisations(session, project, field(form, "organisation")),
    )
    every_group = field(form, "every_group") == "yes"
    typed_group = collect(
        problems, "group", lambda: _group(round_, field(form, "group"), every_group=every_group)
    )
    groups = list(group_choices(round_)) if every_group else [typed_group]
    kind = collect(problems, "kind", lambda: _kind(field(form, "kind")))
    multi_use = kind == "multi"
    # an unknown kind is refused above; what does not hang on the kind is checked anyway
    maybe_multi = kind != KINDS[0]
    max_uses = collect(problems, "max_uses", lambda: _max_uses(field(form, "max_uses")))
    if "max_uses" not in problems:
        collect(
            problems,
            "max_uses",
            lambda: invitations.check_use_limit(max_uses, multi_use=maybe_multi),
        )
    expires_at = collect(problems, "expires", lambda: _expiry(field(form, "expires"), settings))
    label = field(form, "label").strip()
    collect(
        problems, "label", lambda: invitations.check_label(round_, label, multi_use=maybe_multi)
    )
    if chosen is not None:
        partners = chosen
        collect(problems, "organisation", lambda: invitations.check_batch(partners, groups))
    if problems:
        raise refusal(problems)
    assert chosen is not None
    return invitations.create_batch(
        session,
        round_,
        chosen,
        groups,
        actor=facilitator.actor,
        multi_use=multi_use,
        max_uses=max_uses,
        expires_at=expires_at,
        label=label,
    )


def _page(
    request: Request,
    session: Session,
    facilitator: Facilitator,
    project: Project,
    round_: Round,
    *,
    error: Message | str | None = None,
    problems: Problems | None = None,
    typed: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The links page; ``error`` shown at the top, ``problems`` of the create form beside
    their fields and in the summary, ``typed`` the form's values as posted."""
    names = {o.id: o for o in projects.list_organisations(session, project)}
    now = utcnow()
    rows = [
        {
            "invitation": invitation,
            "organisation": names[invitation.organisation_id].name,
            "state": STATES[invitations.link_state(invitation, now)],
            "last_day": invitation.expires_at - timedelta(seconds=1)
            if invitation.expires_at
            else None,
        }
        for invitation in invitations.list_invitations(session, round_)
    ]
    return render(
        request,
        facilitator,
        "facilitate/invitations.html",
        {
            "project": project,
            "round": round_,
            "rows": rows,
            "organisations": list(names.values()),
            "groups": group_choices(round_),
            "group_label": group_labels(request, session, round_),
            "error": error,
            "problems": problems or {},
            "typed": typed or {**dict.fromkeys(FORM_FIELDS, ""), "kind": "single"},
        },
        status_code=status_code,
    )


@router.get("/projects/{slug}/rounds/{round_id}/invitations", name="facilitate.invitations")
def invitations_page(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    round_: RoundDep,
) -> Response:
    return _page(request, session, facilitator, project, round_)


@router.post("/projects/{slug}/rounds/{round_id}/invitations", name="facilitate.invitations.create")
def create_links(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    round_: RoundDep,
    form: FormDep,
) -> Response:
    """New links, shown in this answer only (wrong values: the form again with every problem
    beside its field and what was typed, nothing made; a closed round: the form with the
    reason)."""
    try:
        made = _create(session, request.app.state.settings, facilitator, project, round_, form)
    except (InvalidInput, invitations.RoundClosed) as problem:
        session.rollback()
        typed = {name: field(form, name) for name in FORM_FIELDS}
        problems = problem.extra.get("form_problems")
        if problems is None and problem.extra.get("field") in FORM_FIELDS:
            problems = {problem.extra["field"]: problem.message}
        return _page(
            request,
            session,
            facilitator,
            project,
            round_,
            error=None if problems else problem.message,
            problems=problems,
            typed=typed,
            status_code=problem.status_code,
        )
    return _links_page(
        request, session, facilitator, project, round_, made, "facilitate/batch.html"
    )


def _links_page(
    request: Request,
    session: Session,
    facilitator: Facilitator,
    project: Project,
    round_: Round,
    made: list[NewLink],
    template: str,
    **extra: Any,
) -> HTMLResponse:
    return render(
        request,
        facilitator,
        template,
        {
            "project": project,
            "round": round_,
            "links": [_shown(request, link) for link in made],
            "tokens": " ".join(link.token for link in made),
            "group_label": group_labels(request, session, round_),
            **extra,
        },
    )


def _shown(request: Request, link: NewLink) -> dict[str, Any]:
    return {
        "number": link.invitation.number,
        "organisation": link.organisation.name,
        "group": link.invitation.stakeholder_group or "",
        "url": _url(request, link.token),
        "invitation": link.invitation,
    }


def _url(request: Request, token: str) -> str:
    settings: Settings = request.app.state.settings
    return links.public_link(settings, request.app, "respond.invitation", request, token=token)


def _posted(session: Session, round_: Round, form: FormData) -> list[NewLink]:
    """The links the batch page posted back (field ``links``, separated by spaces), each one
    checked to be a live link of this round."""
    return invitations.links_of_round(session, round_, field(form, "links").split())


@router.post(
    "/projects/{slug}/rounds/{round_id}/invitations/csv", name="facilitate.invitations.csv"
)
def links_csv(
    request: Request,
    session: SessionDep,
    project: ProjectDep,
    round_: RoundDep,
    form: FormDep,
) -> Response:
    """The posted batch as CSV: organisation, group, link (cells neutralised)."""
    made = _posted(session, round_, form)
    rows = [("organisation", "group", "link")] + [
        (link.organisation.name, link.invitation.stakeholder_group or "", _url(request, link.token))
        for link in made
    ]
    return Response(
        spreadsheet.csv_document(rows),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="links-{project.slug}-{round_.id}.csv"',
            "Cache-Control": "no-store",
        },
    )


@router.post(
    "/projects/{slug}/rounds/{round_id}/invitations/sheet", name="facilitate.invitations.sheet"
)
def links_sheet(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    round_: RoundDep,
    form: FormDep,
) -> Response:
    """The posted batch as an A4 sheet to print: one card per link with its QR code."""
    made = _posted(session, round_, form)
    return _links_page(
        request, session, facilitator, project, round_, made, "facilitate/sheet.html", qr=qr_svg
    )


def qr_svg(url: str) -> Markup:
    """``url`` as an inline SVG QR code (error correction M; sized by CSS through its viewBox).
    Safe markup: segno draws only a path from the URL's bits, no text of it."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=1, omitsize=True, svgclass="qr", lineclass=None)
    return Markup(svg)  # noqa: S704  (segno's own markup: a path, no text of the URL)


@router.post(
    "/projects/{slug}/rounds/{round_id}/invitations/{number}/revoke",
    name="facilitate.invitation.revoke",
)
def revoke_link(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    round_: RoundDep,
    number: int,
) -> Response:
    """Revoke link #``number`` of this round (audited); responses made with it stay."""
    invitation = invitations.get_invitation(session, round_, number)
    invitations.revoke(session, invitation, actor=facilitator.actor)
    return redirect(request, "facilitate.invitations", slug=project.slug, round_id=round_.id)
