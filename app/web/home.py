"""The front page: which questionnaires this service holds, in the visitor's language.

The page is the same for every visitor who reads it in one language: it has no form, no
session and no answers. So it is rendered once per language, root path and :data:`listing
<app.services.questionnaires.Listing>` (every version's slug, number, status and content
hash) and kept; each request reads only the listing, in one light query, to find it. A
published, retired or newly loaded version changes the listing, so the next request renders
the page anew; titles come from the definitions, which are immutable per content hash.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from app.db import unit_of_work
from app.i18n import N_, Localizer
from app.services import definition_cache, definition_texts
from app.services import questionnaires as service
from app.templating import localizer_for, render_page

router = APIRouter()

STATUS_LABELS = {"draft": N_("draft"), "published": N_("published"), "retired": N_("retired")}
PAGES_KEPT = 64
"""Rendered front pages kept (languages x listings); the map starts again when full."""

_pages: dict[tuple[str, str, service.Listing], bytes] = {}


@router.get("/", response_class=HTMLResponse, name="home")
async def index(request: Request) -> HTMLResponse:
    """One read on a worker thread (the listing); the page itself is kept, rendered (on a
    worker thread too) only for a language, root path or listing not seen before."""
    i18n = localizer_for(request)
    root = request.scope.get("root_path", "")
    engine: Engine = request.app.state.engine
    listing = await run_in_threadpool(_listing, engine)
    page = _pages.get((i18n.language, root, listing))
    if page is None:
        page = await run_in_threadpool(_render, request, engine, i18n, root)
    return HTMLResponse(page)


def _listing(engine: Engine) -> service.Listing:
    with unit_of_work(engine, write=False) as session:
        return service.version_listing(session)


def _render(request: Request, engine: Engine, i18n: Localizer, root: str) -> bytes:
    """The page from the questionnaires as read now, kept under the listing it shows."""
    with unit_of_work(engine, write=False) as session:
        found = service.list_questionnaires(session)
        rows = []
        for questionnaire, versions in found:
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
    page = bytes(render_page(request, "index.html", {"i18n": i18n, "questionnaires": rows}).body)
    if len(_pages) >= PAGES_KEPT:
        _pages.clear()
    _pages[(i18n.language, root, service.listing_of(found))] = page
    return page
