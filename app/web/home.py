"""The front page: which questionnaires this service holds, in the visitor's language."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.deps import SessionDep
from app.i18n import N_
from app.services import definition_cache, definition_texts
from app.services import questionnaires as service
from app.templating import localizer_for, render_page

router = APIRouter()

STATUS_LABELS = {"draft": N_("draft"), "published": N_("published"), "retired": N_("retired")}


@router.get("/", response_class=HTMLResponse, name="home")
def index(request: Request, session: SessionDep) -> HTMLResponse:
    i18n = localizer_for(request)
    rows = []
    for questionnaire, versions in service.list_questionnaires(session):
        definition = definition_cache.stored(versions[-1])
        title = definition_texts.title(definition, i18n.language)
        rows.append(
            {
                "slug": questionnaire.slug,
                "title": title.text,
                "title_language": title.language,
                "languages": definition["languages"],
                "versions": [
                    f"{v.version} ({i18n.gettext(STATUS_LABELS[v.status])})" for v in versions
                ],
            }
        )
    return render_page(request, "index.html", {"i18n": i18n, "questionnaires": rows})
