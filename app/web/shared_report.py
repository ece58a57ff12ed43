"""The shared partner report, ``/report/{token}``: one organisation's report of a round,
without login, for whoever holds the secret link a facilitator made
(:mod:`app.services.report_links`).

An unknown, malformed or revoked token is one and the same 404, counted against the client's
limit for invalid links and answered with 429 past it, like invitation links
(:data:`app.web.respond.entry.LINK_GUARD`: the token is checked first, so a working link is
never refused). The page changes nothing but the link's "last used", is never cached
(``no-store``), asks search engines not to index it (``X-Robots-Tag`` and a ``robots`` meta
tag), and sends no referrer (global ``Referrer-Policy: no-referrer``), so the token does not
leave the page; request logs redact the ``/report/`` prefix (:mod:`app.request_log`). No other
partner is named: they appear only as the anonymous cohort.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.deps import SessionDep
from app.services import partner_report, report_links, responses
from app.templating import localizer_for, render_page
from app.web.report_page import report_context
from app.web.respond.entry import LINK_GUARD
from app.web.respond.respondent import page_localizer, query_language

router = APIRouter()

NOINDEX = "noindex, nofollow"


@router.get("/report/{token}", name="report.shared", dependencies=[LINK_GUARD])
def shared_report(token: str, request: Request, session: SessionDep) -> Response:
    """The report in the browser's language, or the one ``?lang=`` names (a language the
    questionnaire does not offer is refused, 422, as on the respondent pages)."""
    opened = report_links.open_link(session, token)
    i18n = localizer_for(request)
    definition = responses.definition_of(session, opened.round)
    asked = query_language(request, definition)
    if asked is not None:
        i18n = page_localizer(request, asked, definition.default_language)
    found = partner_report.partner_report(
        session, opened.project, opened.round, opened.organisation, i18n.language
    )
    return render_page(
        request,
        "report/shared.html",
        {"i18n": i18n, **report_context(i18n, found, names=False)},
        headers={"Cache-Control": "no-store", "X-Robots-Tag": NOINDEX},
    )
