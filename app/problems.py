"""One mapping from errors to responses: problem+json (RFC 9457) under /api, else an error page."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.errors import AppError, TooManyRequests
from app.templating import render_error_page

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"


def problem(status: int, title: str, detail: str, type_slug: str, **extra: Any) -> JSONResponse:
    body = {"type": f"/problems/{type_slug}", "title": title, "status": status, "detail": detail}
    return JSONResponse({**body, **extra}, status_code=status, media_type=PROBLEM_JSON)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _respond(
    request: Request, status: int, title: str, detail: str, type_slug: str, **extra: Any
) -> Response:
    if _is_api(request):
        return problem(status, title, detail, type_slug, **extra)
    return render_error_page(request, status, title, detail)


async def _app_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    if isinstance(exc, TooManyRequests):
        request.state.retry_after = exc.retry_after  # the error page says how long to wait
    response = _respond(request, exc.status_code, exc.title, exc.detail, exc.type_slug, **exc.extra)
    if isinstance(exc, TooManyRequests):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": [str(part) for part in e["loc"]], "message": e["msg"], "type": e["type"]}
        for e in exc.errors()
    ]
    detail = "; ".join(f"{'.'.join(e['loc'])}: {e['message']}" for e in errors)
    return _respond(request, 422, "Invalid input", detail, "invalid-input", errors=errors)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    title = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "Error")
    response = _respond(request, exc.status_code, title, str(exc.detail), "http-error")
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def _database_down(request: Request, exc: Exception) -> Response:
    log.error("database error: %s", type(exc).__name__)
    detail = "the database is not reachable or busy; nothing was saved, please try again"
    return _respond(request, 503, "Service unavailable", detail, "unavailable")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(OperationalError, _database_down)
