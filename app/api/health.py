"""Liveness and readiness probes for load balancers and container health checks.

``/healthz`` is answered from its kept answer (:mod:`app.api.kept`): load balancers call it
every few seconds, and its answer never changes.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import Scope

from app.api.kept import KeptAnswer, KeptAnswerRoute, kept_answer
from app.api.problem_docs import RETRY_AFTER_HEADER
from app.errors import RETRY_AFTER_SECONDS
from app.migrate import is_current

router = APIRouter(tags=["health"], route_class=KeptAnswerRoute)
_HEALTHY_ANSWER = KeptAnswer.of(JSONResponse({"status": "ok"}))
"""What FastAPI sends for ``healthz``'s return value (a test compares them)."""


def _healthy(scope: Scope) -> KeptAnswer:
    return _HEALTHY_ANSWER


@router.get("/healthz", summary="The process is up")
@kept_answer(_healthy)
async def healthz() -> dict[str, str]:
    """Answered on the event loop: no worker thread, no database."""
    # GET requests get _HEALTHY_ANSWER without this call; the docstring is OpenAPI's text
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="The database is reachable and carries every migration",
    responses={
        503: {"description": "Not ready (asks to retry later)", "headers": RETRY_AFTER_HEADER}
    },
)
def readyz(request: Request) -> JSONResponse:
    engine = request.app.state.engine
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        current = is_current(engine)
    except SQLAlchemyError as exc:
        return _unavailable(f"unreachable ({type(exc).__name__})")
    if not current:
        return _unavailable("migrations pending")
    return JSONResponse({"status": "ok", "database": "ok"})


def _unavailable(database: str) -> JSONResponse:
    return JSONResponse(
        {"status": "unavailable", "database": database},
        503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )
