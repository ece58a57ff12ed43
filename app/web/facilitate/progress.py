"""A round's progress page: per partner and stakeholder group, the links and their uses, the
responses opened, started and submitted, the last activity and whether the minimum group size
is reached, with the round's totals (:func:`app.services.progress.round_overview`).

Filters are a plain GET form, so the page works without JavaScript. With it, ``refresh.js``
(a static file: the CSP allows no inline script) fetches the table alone from
``facilitate.progress.table`` with the same filters every 15 seconds and swaps it in, so the
page never reloads as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app import links, stakeholder_groups
from app.deps import SessionDep
from app.errors import InvalidInput, choice
from app.i18n import N_, Message
from app.models import Project, Round
from app.services import progress, projects
from app.services.progress import STATUS_LABELS, Status
from app.web.facilitate.access import (
    AREA,
    FacilitatorDep,
    ProjectDep,
    RoundDep,
    group_labels,
    render,
)
from app.web.facilitate.invitations import GROUP_MESSAGE

router = APIRouter(dependencies=AREA)

NO_GROUP = "-"
"""The group filter's value for rows without a group ("" shows every group)."""
REFRESH_SECONDS = 15
CHOOSE_PARTNER = N_("partner: choose one from the list")
CHOOSE_STATUS = N_("status: choose one from the list")


@dataclass(frozen=True)
class Filters:
    """The filters as typed (for the form) and as the service takes them."""

    organisation: str = ""
    group: str = ""
    status: str = ""

    def service(self) -> dict[str, Any]:
        return {
            "organisation_id": int(self.organisation) if self.organisation else None,
            "group": None if not self.group else "" if self.group == NO_GROUP else self.group,
            "status": Status(self.status) if self.status else None,
        }


def _filters(request: Request, session: Session, project: Project) -> Filters:
    """The query's filters, checked: a partner of another project is a wrong value of
    ``organisation`` (422 naming it), as every filter's choice is."""
    query = request.query_params
    organisation = query.get("organisation", "").strip()
    group = query.get("group", "").strip()
    status = query.get("status", "").strip()
    if organisation:
        if not organisation.isdigit() or len(organisation) > 20:
            raise InvalidInput(Message(CHOOSE_PARTNER), field="organisation")
        wanted = int(organisation)
        choice("organisation", lambda: projects.organisation_in(session, project, wanted))
    if (
        group
        and group != NO_GROUP
        and (len(group) > 100 or not stakeholder_groups.SLUG.fullmatch(group))
    ):
        raise InvalidInput(Message(GROUP_MESSAGE), field="group")
    if status and status not in {s.value for s in Status}:
        raise InvalidInput(Message(CHOOSE_STATUS), field="status")
    return Filters(organisation, group, status)


def _context(request: Request, session: Session, project: Project, round_: Round) -> dict[str, Any]:
    filters = _filters(request, session, project)
    overview = progress.round_overview(session, round_, **filters.service())
    return {
        "project": project,
        "round": round_,
        "overview": overview,
        "filters": filters,
        "organisations": projects.list_organisations(session, project),
        "statuses": STATUS_LABELS,
        "no_group": NO_GROUP,
        "group_label": group_labels(request, session, round_),
        "table_url": links.path_for(
            request,
            "facilitate.progress.table",
            slug=project.slug,
            round_id=round_.id,
            _query=dict(request.query_params),
        ),
        "refresh_seconds": REFRESH_SECONDS,
    }


@router.get("/projects/{slug}/rounds/{round_id}/progress", name="facilitate.progress")
def progress_page(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    round_: RoundDep,
) -> Response:
    return render(
        request,
        facilitator,
        "facilitate/progress.html",
        _context(request, session, project, round_),
    )


@router.get("/projects/{slug}/rounds/{round_id}/progress/table", name="facilitate.progress.table")
def progress_table(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    round_: RoundDep,
) -> HTMLResponse:
    """The table of the progress page alone (an HTML fragment), for ``refresh.js``."""
    context = _context(request, session, project, round_)
    return render(request, facilitator, "facilitate/_progress_table.html", context)
