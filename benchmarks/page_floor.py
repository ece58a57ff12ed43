"""The floor of a respondent's step page and page save for ``benchmarks/http.py``: the work the
product's routes must do, with nothing else (no ORM, no dependency layers, no middleware).

Run on the product's own database (``BENCH_DATABASE``: a SQLite file path or a
``postgresql://`` URL), as sessions and responses are the product's:

* ``GET /floor/step/{step}`` -- the session cookie's row and its response's context in one
  SELECT with the raw driver, the session's expiry and idle limit checked, then the product's
  template ``respond/step.html`` rendered with the same context the product passes, its items
  through the product's kept item HTML (:mod:`app.web.respond.item_html`); the same bytes as
  the product's page (``benchmarks/http.py`` compares them before measuring);
* ``POST /floor/save/{step}`` -- a page save: parse the form, compare its CSRF token with the
  session's, the same SELECT, read the page's answers as the product does and validate them
  with the scoring library, then one ``UPDATE`` of the response guarded by its revision and a
  commit; answered 303. wrk posts the same body again and again, so the revision compared is
  the one just read (the compare-and-set against another writer), not the posted one.

The product's respondent routers are included only so that the template's ``url_for`` finds
their paths; the floor never calls them. ``uvicorn --factory benchmarks.page_floor:create``.
"""

from __future__ import annotations

import json
import os
import queue
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from app.i18n import Localizer, language_options
from app.services.respondent_rules import progress
from app.services.responses import MAX_COMMENT_LENGTH, page_problems
from app.settings import Settings
from app.templating import environment
from app.tokens import hash_token
from app.web import respond
from app.web.respond.answer_forms import item_views, parse_page
from app.web.respond.item_html import items_html
from scoring import Definition, parse_definition

SESSION_ROW = (
    "SELECT ws.csrf_token, ws.expires_at, ws.last_seen_at, ws.day_only, ws.data, r.id, "
    "r.language, r.status, r.answers, r.comments, r.revision, r.consented_at, r.public_id, "
    "rd.opens_at, rd.closes_at, rd.closed_at, o.name, qv.content_hash, i.multi_use "
    "FROM web_session ws JOIN response r ON r.id = ws.response_id "
    "JOIN round rd ON rd.id = r.round_id JOIN organisation o ON o.id = r.organisation_id "
    "JOIN questionnaire_version qv ON qv.id = rd.questionnaire_version_id "
    "LEFT JOIN invitation i ON i.id = r.invitation_id WHERE ws.token_hash = ?"
)
SAVE = (
    "UPDATE response SET answers = ?, comments = ?, current_step = ?, revision = revision + 1, "
    "updated_at = ? WHERE id = ? AND revision = ?"
)


def _moment(value: Any) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite keeps text without the zone)."""
    if value is None:
        return None
    found = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return found.replace(tzinfo=UTC) if found.tzinfo is None else found


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


@dataclass
class Found:
    """The session row and its response, as the page needs them."""

    csrf_token: str
    language: str
    response_id: int
    draft: bool
    answers: dict[str, Any]
    comments: dict[str, str]
    revision: int
    consented: bool
    public_id: str
    open: bool
    organisation: str
    definition: Definition
    multi_use: bool


POSTGRES_CONNECTIONS = 8
"""The floor's connections on PostgreSQL, taken in turn: the server's limit (100) is shared
with the product's pool and the baselines' processes of the same run."""


class Database:
    """A raw-driver connection per worker thread (on PostgreSQL a pool of
    :data:`POSTGRES_CONNECTIONS`); definitions parsed once per content hash."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.postgres = target.startswith("postgresql")
        self.local = threading.local()
        self.pool: queue.LifoQueue[Any] = queue.LifoQueue()
        for _ in range(POSTGRES_CONNECTIONS if self.postgres else 0):
            import psycopg

            self.pool.put(psycopg.connect(target))
        self.definitions: dict[str, Definition] = {}
        settings = Settings()
        self.idle = timedelta(minutes=settings.session_idle_minutes)
        self.time_zone = settings.time_zone

    def connection(self) -> Any:
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.target, timeout=30, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            self.local.connection = connection
        return connection

    @contextmanager
    def turn(self) -> Iterator[None]:
        """This thread's connection for one request (on PostgreSQL, one taken from the pool)."""
        if not self.postgres:
            yield
            return
        self.local.connection = self.pool.get()
        try:
            yield
        finally:
            self.pool.put(self.local.connection)
            self.local.connection = None

    def sql(self, sql: str, values: Any) -> Any:
        return self.connection().execute(sql.replace("?", "%s") if self.postgres else sql, values)

    def definition(self, content_hash: str) -> Definition:
        found = self.definitions.get(content_hash)
        if found is None:
            row = self.sql(
                "SELECT definition FROM questionnaire_version WHERE content_hash = ?",
                (content_hash,),
            ).fetchone()
            found = self.definitions[content_hash] = parse_definition(_json(row[0]))
        return found

    def find(self, cookie: str | None, *, saving: bool = False) -> Found | None:
        """The live session's row and response (one SELECT), or None."""
        if not cookie:
            return None
        row = self.sql(SESSION_ROW, (hash_token(cookie),)).fetchone()
        self.connection().commit()
        if row is None:
            return None
        now = datetime.now(UTC)
        expires, last_seen = _moment(row[1]), _moment(row[2])
        assert expires is not None
        assert last_seen is not None
        if now >= expires or (not row[3] and not saving and now - last_seen >= self.idle):
            return None
        opens, closes, closed = (_moment(v) for v in row[13:16])
        is_open = closed is None and (closes is None or now < closes)
        return Found(
            csrf_token=row[0],
            language=str(_json(row[4]).get("language") or row[6]),
            response_id=row[5],
            draft=row[7] == "draft",
            answers=_json(row[8]),
            comments=_json(row[9]),
            revision=row[10],
            consented=row[11] is not None,
            public_id=row[12],
            open=is_open and (opens is None or now >= opens),
            organisation=row[16],
            definition=self.definition(row[17]),
            multi_use=bool(row[18]),
        )

    def save(
        self, found: Found, answers: dict[str, Any], comments: dict[str, str], step: int
    ) -> bool:
        """One UPDATE guarded by the revision, committed; False when another writer was first."""
        connection = self.connection()
        if not self.postgres:
            connection.execute("BEGIN IMMEDIATE")
        values = (json.dumps(answers), json.dumps(comments), step, datetime.now(UTC),
                  found.response_id, found.revision)  # fmt: skip
        if not self.postgres:
            values = (*values[:3], values[3].strftime("%Y-%m-%d %H:%M:%S.%f"), *values[4:])
        changed = self.sql(SAVE, values).rowcount
        connection.commit()
        return bool(changed == 1)


def step_html(request: Request, database: Database, found: Found, step: int) -> str:
    """The step page as the product renders it (:func:`app.web.respond.steps.step_page` and
    :func:`app.web.respond.respondent.render`), without errors, notices or typed values."""
    definition = found.definition
    i18n = Localizer.for_language(
        found.language,
        definition.default_language,
        database.time_zone,
        request.headers.get("accept-language"),
    )
    dimension = definition.dimensions[step - 1]
    items = item_views(definition, definition.items_of(dimension.id), found.answers, i18n)
    read_only = not found.draft or not found.open
    context = {
        "request": request,
        "i18n": i18n,
        "language": i18n.language,
        "direction": i18n.direction,
        "csrf_token": found.csrf_token,
        "revision": found.revision,
        "languages": language_options(definition.languages),
        "page_form": None if read_only else "answers-form",
        "current_path": request.url.path.replace("/floor/", "/respond/"),
        "questionnaire_title": i18n.text(definition.title),
        "organisation": found.organisation,
        "response_reference": found.public_id,
        "multi_use": found.multi_use,
        "step": step,
        "steps": len(definition.dimensions),
        "dimension_title": i18n.text(dimension.title),
        "dimension_description": i18n.text(dimension.description),
        "items_html": items_html(definition, items, i18n, disabled=read_only),
        "any_required": any(item.required for item in items),
        "comment": found.comments.get(dimension.id, ""),
        "comment_error": None,
        "comment_max_length": MAX_COMMENT_LENGTH,
        "progress": progress(definition, found.answers),
        "errors": False,
        "errors_for_summary": [],
        "notice": None,
        "form_id": "answers-form",
        "read_only": read_only,
        "is_open": found.open,
    }
    return environment.get_template("respond/step.html").render(context)


def create() -> FastAPI:
    """The floor app (``uvicorn --factory benchmarks.page_floor:create``)."""
    database = Database(os.environ["BENCH_DATABASE"])
    app = FastAPI(openapi_url=None)
    app.include_router(respond.router)  # only for url_for: the template's links
    no_store = {"Cache-Control": "no-store"}

    def in_turn(work: Any, *args: Any) -> Response:
        with database.turn():
            answer: Response = work(*args)
            return answer

    @app.get("/get")
    async def probe() -> dict[str, str]:
        return {"status": "ok"}

    def show(request: Request, step: int) -> Response:
        found = database.find(request.cookies.get("radar_session"))
        if found is None:
            return Response(status_code=401)
        if not 1 <= step <= len(found.definition.dimensions):
            return Response(status_code=404)
        if not found.consented or not found.draft:
            return Response(status_code=303, headers={"Location": "/respond/start"})
        return HTMLResponse(step_html(request, database, found, step), headers=no_store)

    @app.get("/floor/step/{step}")
    async def floor_step(request: Request, step: int) -> Response:
        return await run_in_threadpool(in_turn, show, request, step)

    def save(request: Request, step: int, form: Any) -> Response:
        found = database.find(request.cookies.get("radar_session"), saving=True)
        if found is None:
            return Response(status_code=401)
        if form.get("csrf_token") != found.csrf_token:
            return Response(status_code=403)
        definition = found.definition
        if not found.draft or not 1 <= step <= len(definition.dimensions):
            return Response(status_code=409)
        dimension_id = definition.dimensions[step - 1].id
        posted, comment = parse_page(definition, dimension_id, form, found.language)
        candidate = dict(found.answers)
        for item_id, value in posted.items():
            if value is None:
                candidate.pop(item_id, None)
            else:
                candidate[item_id] = value
        page_ids = {item.id for item in definition.items_of(dimension_id)}
        if page_problems(definition, candidate, page_ids):
            return Response(status_code=422)
        comments = dict(found.comments)
        if comment is not None:
            comments[dimension_id] = comment
        if not database.save(found, candidate, comments, step + 1):
            return Response(status_code=409)
        return Response(status_code=303, headers={"Location": f"/respond/step/{step + 1}"})

    @app.post("/floor/save/{step}")
    async def floor_save(request: Request, step: int) -> Response:
        form = await request.form()
        return await run_in_threadpool(in_turn, save, request, step, form)

    return app
