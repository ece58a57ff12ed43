"""The front page: which questionnaires this service holds."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.db import SessionDep
from app.services import questionnaires as service
from app.templating import templates

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def index(request: Request, session: SessionDep) -> HTMLResponse:
    language = request.app.state.settings.default_language
    rows = [
        {
            "slug": questionnaire.slug,
            "title": versions[-1].definition["title"],
            "languages": versions[-1].definition["languages"],
            "versions": [(v.version, v.status) for v in versions],
        }
        for questionnaire, versions in service.list_questionnaires(session)
    ]
    return templates.TemplateResponse(
        request, "index.html", {"questionnaires": rows, "language": language}
    )
