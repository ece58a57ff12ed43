"""Partner reports of a round, for the project's members: the list of the round's partners,
each with its report (facilitators' view, which may name similar partners) and its share
link, made and revoked here.

A new share link is shown once, in the answer to the POST that made it (``no-store``, like
every page of the area); only its hash is stored (:mod:`app.services.report_links`, which
audits). Making a link for a partner that has one replaces it. Organisations are looked up
*in* the URL's project and rounds through :data:`~app.web.facilitate.access.RoundDep`, so ids of
another project are "not found".
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app import links
from app.deps import SessionDep
from app.models import Organisation, Project, Round
from app.services import partner_report, projects, report_links
from app.settings import Settings
from app.templating import localizer_for
from app.web.facilitate.access import (
    AREA,
    Facilitator,
    FacilitatorDep,
    PartnerDep,
    ProjectDep,
    RoundDep,
    redirect,
    render,
)
from app.web.report_page import report_context

router = APIRouter(dependencies=AREA)


def _list(
    request: Request,
    session: Session,
    facilitator: Facilitator,
    project: Project,
    round_: Round,
    *,
    shared: tuple[Organisation, str] | None = None,
) -> HTMLResponse:
    """The round's partners with their links; ``shared``: a new link, shown once."""
    settings: Settings = request.app.state.settings
    return render(
        request,
        facilitator,
        "facilitate/reports.html",
        {
            "project": project,
            "round": round_,
            "organisations": projects.list_organisations(session, project),
            "active": report_links.active_links(session, round_),
            "shared": None
            if shared is None
            else {
                "organisation": shared[0],
                "url": links.public_link(
                    settings, request.app, "report.shared", request, token=shared[1]
                ),
            },
        },
    )


@router.get("/projects/{slug}/rounds/{round_id}/reports", name="facilitate.reports")
def report_list(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    round_: RoundDep,
) -> Response:
    return _list(request, session, facilitator, project, round_)


@router.get(
    "/projects/{slug}/rounds/{round_id}/reports/{organisation_id}", name="facilitate.report"
)
def report(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    round_: RoundDep,
    organisation: PartnerDep,
) -> Response:
    """The partner report as the partner sees it, similar partners named."""
    i18n = localizer_for(request)
    found = partner_report.partner_report(session, project, round_, organisation, i18n.language)
    return render(
        request,
        facilitator,
        "facilitate/report.html",
        {"project": project, **report_context(i18n, found, names=True)},
    )


@router.post(
    "/projects/{slug}/rounds/{round_id}/reports/{organisation_id}/link",
    name="facilitate.report_link.create",
)
def create_link(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    round_: RoundDep,
    organisation: PartnerDep,
) -> Response:
    """A new share link (replacing the partner's earlier one), shown once on the list."""
    _row, token = report_links.create(
        session, round_, organisation, actor=facilitator.actor, user_id=facilitator.user.id
    )
    return _list(request, session, facilitator, project, round_, shared=(organisation, token))


@router.post(
    "/projects/{slug}/rounds/{round_id}/reports/{organisation_id}/link/revoke",
    name="facilitate.report_link.revoke",
)
def revoke_link(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    round_: RoundDep,
    organisation: PartnerDep,
) -> Response:
    """Revoke the partner's share link (none left: nothing changes)."""
    report_links.revoke_for(session, round_, organisation, actor=facilitator.actor)
    return redirect(request, "facilitate.reports", slug=project.slug, round_id=round_.id)
