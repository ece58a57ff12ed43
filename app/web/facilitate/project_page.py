"""The project's page, shared by the modules whose forms sit on it (projects, members,
partners): shown as it is, or again with a refused form's problem and what was typed."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from app.errors import Conflict, InvalidInput
from app.i18n import Message
from app.models import Project
from app.services import instrument_quality, members, projects
from app.services.partner_fields import AREA_TYPES, KINDS
from app.web.facilitate.access import Facilitator, render


def project_page(
    request: Request,
    session: Session,
    facilitator: Facilitator,
    project: Project,
    *,
    error: Message | str | None = None,
    typed: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The project's page: partners, members, name and archive, links to the instrument quality
    of each questionnaire version its rounds use; ``error`` above the form whose values
    ``typed`` holds."""
    return render(
        request,
        facilitator,
        "facilitate/project.html",
        {
            "project": project,
            "organisations": projects.list_organisations(session, project),
            "members": members.members_of(session, project),
            "quality_versions": instrument_quality.versions_in_use(session, project),
            "kinds": KINDS,
            "area_types": AREA_TYPES,
            "error": error,
            "typed": typed or {},
            "imported": request.query_params.get("imported"),
        },
        status_code=status_code,
    )


def refused_page(
    request: Request,
    session: Session,
    facilitator: Facilitator,
    project: Project,
    problem: InvalidInput | Conflict,
    typed: dict[str, Any],
) -> HTMLResponse:
    """The project's page again with ``problem`` above the form whose values ``typed`` holds,
    answered with the problem's status; the unit of work stores nothing of this request (rolled
    back here, the project reloaded)."""
    session.rollback()
    session.refresh(project)
    return project_page(
        request,
        session,
        facilitator,
        project,
        error=problem.message,
        typed=typed,
        status_code=problem.status_code,
    )
