"""The Jinja2 environment: autoescaping everywhere, shared by all server-rendered pages.

Messages are translated with the ``jinja2.ext.i18n`` extension (new-style gettext, so that
``_("… %(name)s", name=value)`` escapes ``value``). The callables read the page's
:class:`~app.i18n.Localizer` from the render context (key ``i18n``), so one shared environment
serves every language at once; pages rendered without one speak English.

``url_for(name, **params)`` gives a route's path, as Flask's does (``_anchor`` and ``_query``
add the rest), see :func:`app.links.path_for`: templates never write an internal path.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from app import links
from app.errors import NOT_FOUND_DETAIL
from app.i18n import Localizer, Message, available_languages, negotiate, translations
from app.settings import PROJECT_ROOT

ENGLISH = Localizer("en", "en", translations("en"))

environment = Environment(
    loader=FileSystemLoader(PROJECT_ROOT / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    extensions=["jinja2.ext.i18n"],
    auto_reload=False,  # app.main turns it on with RADAR_RELOAD_TEMPLATES (development)
)


def _localizer(context: Context) -> Localizer:
    found = context.get("i18n")
    return found if isinstance(found, Localizer) else ENGLISH


@pass_context
def _gettext(context: Context, message: str) -> str:
    return _localizer(context).gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, count: int) -> str:
    return _localizer(context).ngettext(singular, plural, count)


@pass_context
def _url_for(context: Context, name: str, /, **params: Any) -> str:
    return links.path_for(context["request"], name, **params)


environment.globals["url_for"] = _url_for  # before Jinja2Templates, which only sets a default
environment.install_gettext_callables(  # type: ignore[attr-defined]
    _gettext, _ngettext, newstyle=True
)
templates = Jinja2Templates(env=environment)


def localizer_for(request: Request) -> Localizer:
    """The language chosen for this request (set by the page), else from Accept-Language."""
    chosen = getattr(request.state, "localizer", None)
    if isinstance(chosen, Localizer):
        return chosen
    settings = request.app.state.settings
    header = request.headers.get("accept-language")
    language = negotiate(header, available_languages(), settings.default_language)
    return Localizer.for_language(language, time_zone=settings.time_zone, accept_language=header)


def render_page(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render a page in the request's language (``i18n``, ``language`` and its text
    ``direction`` in the context: base.html sets ``<html lang dir>`` from them)."""
    i18n = context.get("i18n") or localizer_for(request)
    full = {"i18n": i18n, "language": i18n.language, "direction": i18n.direction, **context}
    return templates.TemplateResponse(request, name, full, status_code=status_code, headers=headers)


FACILITATOR_PREFIXES = ("/projects", "/admin", "/audit", "/login", "/logout", "/account")
"""The facilitators' area: its not-found pages do not send people to an invitation."""


def audience(request: Request) -> str:
    """Who reads an error page at this path: ``facilitator`` (the facilitators' area) or
    ``respondent`` (everything else: invitation links, the questionnaire, shared reports,
    unknown addresses). The not-found page ends with the help that suits them. (Paths under
    ``/api/``, the API documentation's included, answer problem+json, never this page.)"""
    path = request.url.path.removeprefix(request.scope.get("root_path", "") or "")
    if any(path == p or path.startswith(p + "/") for p in FACILITATOR_PREFIXES):
        return "facilitator"
    return "respondent"


def _detail(i18n: Localizer, status: int, detail: Message | str) -> str:
    """The detail in the page's language: a "not found" that a service wrote in English only
    ("no round 12") reads as a general sentence on a page in another language."""
    text = detail.text if isinstance(detail, Message) else detail
    if status == 404 and i18n.language != "en" and not i18n.knows(text):
        return i18n.gettext(NOT_FOUND_DETAIL)
    return i18n.message(detail)


def render_error_page(
    request: Request, status: int, title: str, detail: Message | str
) -> HTMLResponse:
    """The error page; ``title`` and ``detail`` are translated when the catalogue knows them
    (a :class:`~app.i18n.Message` with its values in the page's format)."""
    i18n = localizer_for(request)
    retry_after = getattr(request.state, "retry_after", None) if status == 429 else None
    return render_page(
        request,
        "error.html",
        {
            "i18n": i18n,
            "status": status,
            "title": i18n.gettext(title),
            "detail": _detail(i18n, status, detail),
            "reload_url": getattr(request.state, "reload_url", None) if status == 409 else None,
            "retry_minutes": -(-retry_after // 60) if retry_after else None,
            # a refused page post lists what it held, so nothing typed is lost with it
            "kept": getattr(request.state, "kept_form", None)
            if status in (401, 403, 409, 422)
            else None,
            "retry_kind": getattr(request.state, "retry_kind", "link"),
            "audience": audience(request),
        },
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )
