"""The one mapping from errors to responses: RFC 9457 problem+json or an HTML error page.

Which face a request gets is one rule, :func:`wants_problem_json`: everything under ``/api/``,
every route tagged :data:`SCRIPT_ONLY` (endpoints only scripts call, such as autosave: they
answer JSON always, whatever a proxy or browser did to the ``Accept`` header), and any request
whose ``Accept`` header prefers JSON to HTML (the respondent pages' scripts send
``Accept: application/json``) gets problem+json; everything else gets the error page.
The rule holds wherever the error happens: in a route, in a dependency (CSRF, session), in
request parsing (a malformed form) or in middleware before any route (a body too large), and
for exceptions nobody expected (:func:`unexpected_error_response`, a 500 without internals).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from typing import Any

import mimeparse
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, compile_path

from app import validation_messages
from app.errors import AppError, InternalError, InvalidInput, database_error, error_for_status
from app.i18n import N_, Message
from app.templating import localizer_for, render_error_page

log = logging.getLogger(__name__)
BAD_VALUES = N_(
    "The address or form holds values this page does not accept (%(names)s). Please use the "
    "page's own links and fields."
)
PROBLEM_JSON = "application/problem+json"
# Ties go to the last entry: a client that accepts anything (*/*) gets the page.
_OFFERED = ["application/problem+json", "application/json", "text/html"]


SCRIPT_ONLY = "script-only"
"""The tag of routes that only scripts call: their errors are problem+json always."""


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _script_only_paths(routes: Iterable[BaseRoute], prefix: str = "") -> Iterator[re.Pattern[str]]:
    """The paths of :data:`SCRIPT_ONLY` routes, through included routers (which FastAPI may
    keep nested, each with the prefix it was included under)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from _script_only_paths(inner.routes, prefix + getattr(context, "prefix", ""))
        elif isinstance(route, APIRoute) and SCRIPT_ONLY in route.tags:
            yield compile_path(prefix + route.path)[0]


def _is_script_only(request: Request) -> bool:
    """Whether the path is a :data:`SCRIPT_ONLY` route's, by any method (so a 405 or 404
    there is JSON too); found by path, since middleware errors come before routing."""
    path = request.url.path
    return any(p.match(path) for p in _script_only_paths(request.app.routes))


def wants_problem_json(request: Request) -> bool:
    """True for API paths, script-only routes and requests that prefer JSON to HTML."""
    if _is_api(request) or _is_script_only(request):
        return True
    try:
        best = mimeparse.best_match(_OFFERED, request.headers.get("accept", ""))
    except (ValueError, IndexError):  # an unparsable Accept header asks for nothing
        return False
    return bool(best) and best != "text/html"


def problem(status: int, title: str, detail: str, type_slug: str, **extra: Any) -> JSONResponse:
    body = {"type": f"/problems/{type_slug}", "title": title, "status": status, "detail": detail}
    return JSONResponse(
        {**body, **extra},
        status_code=status,
        media_type=PROBLEM_JSON,
        headers={"Cache-Control": "no-store"},
    )


def error_response(request: Request, error: AppError) -> Response:
    """The response for ``error`` in the face this request asks for (the only place)."""
    status = error.status_code
    if wants_problem_json(request):
        title, detail = error.title, error.detail
        if not _is_api(request):  # a page's script shows the message to its reader
            i18n = localizer_for(request)
            title, detail = i18n.gettext(title), i18n.message(error.message)
        response: Response = problem(status, title, detail, error.type_slug, **error.extra)
    elif error.location is not None:
        response = RedirectResponse(
            error.location, status_code=303, headers={"Cache-Control": "no-store"}
        )
    else:
        if error.retry_after is not None:
            request.state.retry_after = error.retry_after  # the page says how long to wait
        response = render_error_page(request, status, error.title, error.message)
    response.headers.update(error.headers())
    return response


def unexpected_error_response(request: Request, exc: Exception) -> Response:
    """A 500 for an exception nobody expected; the traceback goes to the log only."""
    mapped = database_error(exc)
    if mapped is not None:
        log.error("database error: %s", type(exc).__name__)
        return error_response(request, mapped)
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, InternalError())


async def _app_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    return error_response(request, exc)


_SOURCES = frozenset({"query", "path", "body", "header", "cookie"})
_TYPED_SHOWN = 40
"""Characters of a typed value a page repeats at most."""
_SECRETS = ("password", "token", "secret", "csrf", "key")
"""Parameters whose value a page never repeats."""


def _named(error: Any) -> str:
    """A refused value as a page names it: the parameter (``round``, never a list's position
    ``0`` under it) and what was typed, ``round=abc``; a value that is no plain text or
    number (a whole body) is named by its parameter only."""
    loc = [str(part) for part in error["loc"]]
    name = loc[1] if len(loc) > 1 and loc[0] in _SOURCES else loc[-1]
    typed = error.get("input")
    if isinstance(typed, bool) or not isinstance(typed, str | int | float):
        return name
    if any(secret in name.lower() for secret in _SECRETS):
        return name  # never repeat a password or a token on a page
    text = str(typed)
    if len(text) > _TYPED_SHOWN:
        text = text[: _TYPED_SHOWN - 1] + "…"
    return f"{name}={text}"


LISTED_ERRORS = 100
"""At most this many of a refusal's errors are listed (``errors``; the count of the rest in
``errors_not_listed``, and "and N more" in ``detail``), so an answer never grows with its
input: a body of 60,000 unknown fields is refused in a few kilobytes, not 11 MB."""


async def _validation_error(request: Request, exc: Exception) -> Response:
    """FastAPI's refusal of a parameter or body, told in the project's words: each error's
    field, message and (where known) allowed values, the first one's as the problem's own
    ``field`` and ``allowed``; pydantic's English never reaches a client."""
    assert isinstance(exc, RequestValidationError)
    found = exc.errors()
    errors = []
    for e in found[:LISTED_ERRORS]:
        allowed = validation_messages.allowed_of(e)
        errors.append(
            {
                "loc": [str(part) for part in e["loc"]],
                "field": validation_messages.field_of(e["loc"]),
                "message": str(validation_messages.message_of(e)),
                "type": e["type"],
                **({"allowed": allowed} if allowed is not None else {}),
            }
        )
    detail = "; ".join(e["message"] for e in errors)
    left_out = len(found) - len(errors)
    extra: dict[str, Any] = {"errors_not_listed": left_out} if left_out else {}
    if left_out:
        detail += f" (and {left_out} more)"
    first = {name: errors[0][name] for name in ("field", "allowed") if errors and name in errors[0]}
    problem = InvalidInput(detail, errors=errors, **first, **extra)
    named = dict.fromkeys(_named(e) for e in found[:LISTED_ERRORS] if e["loc"])
    names = ", ".join(named) + (", …" if left_out else "")
    problem.message = Message(BAD_VALUES, names=names)  # pages: in their language, not pydantic's
    return error_response(request, problem)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    response = error_response(request, error_for_status(exc.status_code, str(exc.detail)))
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    if exc.status_code == 405 and _is_api(request):
        allowed = documented_methods(request)
        if allowed:
            response.headers["Allow"] = allowed
    return response


def documented_methods(request: Request) -> str | None:
    """Every method the OpenAPI document lists for the request's path, for ``Allow``.

    The router names only the methods of the first route whose path matched, and each method
    of a path is a route of its own here (``GET`` and ``POST`` of a round's responses), so a
    405 would list too few; the document lists them all.
    """
    app = request.app
    assert isinstance(app, FastAPI)
    for template, operations in app.openapi().get("paths", {}).items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, request.url.path):
            return ", ".join(sorted(method.upper() for method in operations))
    return None


async def _database_error(request: Request, exc: Exception) -> Response:
    return unexpected_error_response(request, exc)


def install_error_handlers(app: FastAPI) -> None:
    """Errors raised inside routes and dependencies; :class:`app.middleware.Edge`
    answers what escapes them (middleware errors, unexpected exceptions)."""
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(SQLAlchemyError, _database_error)
