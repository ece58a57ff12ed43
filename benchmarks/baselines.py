"""Bare baselines for ``benchmarks/http.py``: what FastAPI and the database driver alone can do.

One app, started once per baseline in a process of its own with uvicorn (as ``radar serve``
runs the product: one worker, the same event loop and HTTP parser):

* ``GET /get`` -- an ``async`` route answering a small JSON object: the framework's floor;
* ``POST /submit`` -- what a minimal form post of the flagship questionnaire must do: parse the
  url-encoded form, validate every field against the definition (known item, allowed value,
  numbers and text lengths), then insert one row with the raw driver (``sqlite3`` in WAL mode
  with a busy timeout, or ``psycopg``) and commit, in the thread pool as FastAPI runs blocking
  code. ``BENCH_WRITE_LOCK=1`` takes one process-wide lock around the insert and commit, the
  way a single writer would;
* ``POST /api/submit`` -- the same for a JSON API submission (``benchmarks/api.py``): parse the
  JSON body of a complete flagship response, validate every answer the same way, insert one
  row, answer 201 with a small JSON object;
* ``POST /api/floor`` -- the *floor* of an API submission: the work the product's route must
  do, with nothing else (no ORM, no dependency layers, no middleware): check the bearer token
  (SHA-256, one SELECT through a unique index) and count it in its rate-limit window (one
  upsert in a short write of its own), look up the ``Idempotency-Key``, validate and score the
  answers with the scoring library (as the product does), then in one write transaction
  insert the response, its score rows (one ``executemany``), two audit rows and the key with
  its answer, and answer 201 with the response as JSON. ``BENCH_TOKEN`` is the token it
  accepts.

Configured by environment variables (uvicorn's ``--factory`` takes no arguments):
``BENCH_DATABASE`` (a file path for SQLite or a ``postgresql://`` URL) and ``BENCH_WRITE_LOCK``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from app.definition_files import read_definition
from benchmarks.respondent_path import FLAGSHIP
from scoring import Definition, Item, ItemType, score_response, validate_answers
from scoring.definition import NOT_APPLICABLE

SKIPPED_FIELDS = {"csrf_token", "revision", "action", "shown", "comment", "response"}
MAX_TEXT = 4000
Check = Callable[[list[str]], bool]


def _number(values: list[str], item: Item) -> bool:
    try:
        number = float(values[0])
    except ValueError:
        return False
    low = -math.inf if item.min is None else item.min
    high = math.inf if item.max is None else item.max
    return len(values) == 1 and math.isfinite(number) and low <= number <= high


def checks(definition: Definition) -> dict[str, Check]:
    """Per item id: does a list of posted values form a valid answer?"""
    found: dict[str, Check] = {}
    for item in definition.items:
        if item.type is ItemType.SCALE:
            scale = definition.scales[item.scale or ""]
            allowed = {str(v) for v in scale.values} | (
                {NOT_APPLICABLE} if scale.not_applicable else set()
            )
            found[item.id] = lambda v, a=allowed: len(v) == 1 and v[0] in a
        elif item.type is ItemType.SINGLE_CHOICE:
            ids = {c.id for c in item.choices or []}
            found[item.id] = lambda v, a=ids: len(v) == 1 and v[0] in a
        elif item.type is ItemType.MULTI_CHOICE:
            ids = {c.id for c in item.choices or []}
            found[item.id] = lambda v, a=ids: len(set(v)) == len(v) and set(v) <= a
        elif item.type is ItemType.NUMBER:
            found[item.id] = lambda v, i=item: _number(v, i)
        else:
            found[item.id] = lambda v: len(v) == 1 and len(v[0]) <= MAX_TEXT
    return found


class Store:
    """One row per accepted post; a connection per thread, like a pool of the thread pool."""

    def __init__(self, target: str, locked: bool) -> None:
        self.target = target
        self.postgres = target.startswith("postgresql")
        self.local = threading.local()
        self.lock = threading.Lock() if locked else None
        self._execute_ddl()

    def _connect(self) -> Any:
        if self.postgres:
            import psycopg

            return psycopg.connect(self.target)
        connection = sqlite3.connect(self.target, timeout=30, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        return connection

    def _execute_ddl(self) -> None:
        connection = self._connect()
        connection.execute(
            "CREATE TABLE IF NOT EXISTS bench_post (id SERIAL PRIMARY KEY, "
            "response INTEGER NOT NULL, answers TEXT NOT NULL)"
            if self.postgres
            else "CREATE TABLE IF NOT EXISTS bench_post (id INTEGER PRIMARY KEY, "
            "response INTEGER NOT NULL, answers TEXT NOT NULL)"
        )
        connection.commit()
        connection.close()

    def insert(self, response: int, answers: str) -> None:
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = self.local.connection = self._connect()
        if self.lock is None:
            self._insert(connection, response, answers)
        else:
            with self.lock:
                self._insert(connection, response, answers)

    def _insert(self, connection: Any, response: int, answers: str) -> None:
        if self.postgres:
            connection.execute(
                "INSERT INTO bench_post (response, answers) VALUES (%s, %s)", (response, answers)
            )
        else:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(
                "INSERT INTO bench_post (response, answers) VALUES (?, ?)", (response, answers)
            )
        connection.commit()


FLOOR_TABLES = (
    "CREATE TABLE IF NOT EXISTS floor_token (id {serial}, token_hash TEXT UNIQUE "
    "NOT NULL, project_id INTEGER, scopes TEXT NOT NULL, expires_at TEXT, revoked_at TEXT)",
    "CREATE TABLE IF NOT EXISTS floor_rate (bucket TEXT NOT NULL, window_start TEXT NOT NULL, "
    "count INTEGER NOT NULL, PRIMARY KEY (bucket, window_start))",
    "CREATE TABLE IF NOT EXISTS floor_response (id {serial}, public_id TEXT UNIQUE NOT NULL, "
    "round_id INTEGER NOT NULL, organisation_id INTEGER NOT NULL, language TEXT NOT NULL, "
    "status TEXT NOT NULL, answers TEXT NOT NULL, revision INTEGER NOT NULL, "
    "created_at TEXT NOT NULL, submitted_at TEXT)",
    "CREATE TABLE IF NOT EXISTS floor_score (id {serial}, response_id INTEGER NOT NULL "
    "REFERENCES floor_response (id), kind TEXT NOT NULL, target_id TEXT NOT NULL, "
    "score DOUBLE PRECISION, coverage DOUBLE PRECISION NOT NULL, band TEXT, reason TEXT, "
    "rules_version TEXT NOT NULL, scored_at TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ix_floor_score ON floor_score (response_id)",
    "CREATE TABLE IF NOT EXISTS floor_audit (id {serial}, at TEXT NOT NULL, actor TEXT NOT "
    "NULL, action TEXT NOT NULL, object_id TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS floor_key (id {serial}, token_id INTEGER NOT NULL, key TEXT "
    "NOT NULL, request_hash TEXT NOT NULL, response_id INTEGER NOT NULL REFERENCES "
    "floor_response (id), body TEXT NOT NULL, UNIQUE (token_id, key))",
)


class Floor(Store):
    """The raw-driver floor of an API submission (``POST /api/floor``)."""

    def __init__(self, target: str, locked: bool, token: str) -> None:
        super().__init__(target, locked)
        connection = self._connect()
        serial = "SERIAL PRIMARY KEY" if self.postgres else "INTEGER PRIMARY KEY"
        for statement in FLOOR_TABLES:
            connection.execute(statement.format(serial=serial))
        self._sql(connection, "DELETE FROM floor_token")
        self._sql(
            connection,
            "INSERT INTO floor_token (token_hash, project_id, scopes) VALUES (?, 1, ?)",
            (hashlib.sha256(token.encode()).hexdigest(), '["responses:write"]'),
        )
        connection.commit()
        connection.close()

    def _sql(self, connection: Any, sql: str, values: Any = ()) -> Any:
        return connection.execute(sql.replace("?", "%s") if self.postgres else sql, values)

    def _begin(self, connection: Any) -> None:
        if not self.postgres:
            connection.execute("BEGIN IMMEDIATE")

    def connection(self) -> Any:
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = self.local.connection = self._connect()
        return connection

    def token(self, presented: str) -> tuple[int, int] | None:
        """The token's id and the count of its rate window, or None for an unknown token."""
        connection = self.connection()
        digest = hashlib.sha256(presented.encode()).hexdigest()
        row = self._sql(
            connection,
            "SELECT id, project_id, scopes, expires_at, revoked_at FROM floor_token "
            "WHERE token_hash = ?",
            (digest,),
        ).fetchone()
        connection.commit()
        if row is None or row[4] is not None or "responses:write" not in json.loads(row[2]):
            return None
        window = datetime.fromtimestamp(int(time.time()) // 60 * 60, UTC).isoformat()
        self._begin(connection)
        counted = self._sql(
            connection,
            "INSERT INTO floor_rate (bucket, window_start, count) VALUES (?, ?, 1) "
            "ON CONFLICT (bucket, window_start) DO UPDATE SET count = floor_rate.count + 1 "
            "RETURNING count",
            (f"api:{row[0]}", window),
        ).fetchone()[0]
        connection.commit()
        return row[0], counted

    def recall(self, token_id: int, key: str) -> tuple[str, str] | None:
        connection = self.connection()
        row = self._sql(
            connection,
            "SELECT request_hash, body FROM floor_key WHERE token_id = ? AND key = ?",
            (token_id, key),
        ).fetchone()
        connection.commit()
        return row

    def submit(
        self, token_id: int, key: str, request_hash: str, answers: dict[str, Any]
    ) -> dict[str, Any]:
        """Score the answers, then store the response, its scores, audit rows and the key."""
        profile = score_response(self.definition, answers)
        now = datetime.now(UTC).isoformat()
        public_id = uuid.uuid4().hex
        rows = [
            ("dimension", key_, d.score, d.coverage or 0.0, d.band, d.reason_code)
            for key_, d in profile.dimensions.items()
        ]
        for kind, parts in (("area", profile.areas), ("index", profile.indexes)):
            rows += [(kind, k, c.score, c.scored / (c.parts or 1), c.band, c.reason_code)
                     for k, c in parts.items()]  # fmt: skip
        overall = profile.overall
        rows.append(("overall", "overall", overall.score, 1.0, overall.band, overall.reason_code))
        body = {
            "id": public_id,
            "status": "submitted",
            "revision": 2,
            "answers": answers,
            "created_at": now,
            "submitted_at": now,
        }
        connection = self.connection()
        if self.lock is not None:
            self.lock.acquire()
        try:
            self._begin(connection)
            response_id = self._sql(
                connection,
                "INSERT INTO floor_response (public_id, round_id, organisation_id, language, "
                "status, answers, revision, created_at, submitted_at) "
                "VALUES (?, 1, 1, 'en', 'submitted', ?, 2, ?, ?) RETURNING id",
                (public_id, json.dumps(answers), now, now),
            ).fetchone()[0]
            insert_score = (
                "INSERT INTO floor_score (response_id, kind, target_id, score, coverage, band, "
                "reason, rules_version, scored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            )
            connection.cursor().executemany(
                insert_score.replace("?", "%s") if self.postgres else insert_score,
                [(response_id, *row, profile.rules_version, now) for row in rows],
            )
            audit = "INSERT INTO floor_audit (at, actor, action, object_id) VALUES (?, ?, ?, ?)"
            connection.cursor().executemany(
                audit.replace("?", "%s") if self.postgres else audit,
                [
                    (now, f"api-token:{token_id}", "response.create", public_id),
                    (now, "respondent", "response.submit", public_id),
                ],
            )
            self._sql(
                connection,
                "INSERT INTO floor_key (token_id, key, request_hash, response_id, body) "
                "VALUES (?, ?, ?, ?, ?)",
                (token_id, key, request_hash, response_id, json.dumps(body)),
            )
            connection.commit()
        finally:
            if self.lock is not None:
                self.lock.release()
        return body

    definition: Definition


def floor_route(app: FastAPI, definition: Definition, floor: Floor) -> None:
    """``POST /api/floor`` on ``app`` (see the module's docstring)."""
    floor.definition = definition

    def work(presented: str, key: str, raw: bytes) -> tuple[int, dict[str, Any]]:
        found = floor.token(presented)
        if found is None:
            return 401, {"problem": "token"}
        token_id, counted = found
        if counted > 10**9:
            return 429, {"problem": "rate"}
        try:
            body = json.loads(raw)
            answers = dict(body["answers"])
        except (ValueError, KeyError, TypeError):
            return 400, {"problem": "body"}
        request_hash = hashlib.sha256(raw).hexdigest()
        remembered = floor.recall(token_id, key)
        if remembered is not None:
            if remembered[0] != request_hash:
                return 422, {"problem": "key"}
            return 201, json.loads(remembered[1])
        if any(p.severity == "error" for p in validate_answers(definition, answers, complete=True)):
            return 422, {"problem": "answers"}
        return 201, floor.submit(token_id, key, request_hash, answers)

    @app.post("/api/floor", status_code=201)
    async def floor_submit(request: Request) -> Response:
        presented = request.headers.get("authorization", "").removeprefix("Bearer ")
        key = request.headers.get("idempotency-key", "")
        status, body = await run_in_threadpool(work, presented, key, await request.body())
        return JSONResponse(body, status_code=status)


def create() -> FastAPI:
    """The baseline app (``uvicorn --factory benchmarks.baselines:create``)."""
    definition = read_definition(FLAGSHIP)
    valid = checks(definition)
    locked, token = os.environ.get("BENCH_WRITE_LOCK") == "1", os.environ.get("BENCH_TOKEN", "")
    # one store for both POSTs, so their threads share one connection each (PostgreSQL's
    # connection limit is shared with the product's processes)
    database = os.environ["BENCH_DATABASE"]
    store = Floor(database, locked, token) if token else Store(database, locked)
    app = FastAPI(openapi_url=None)

    @app.get("/get")
    async def bare_get() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/submit")
    async def bare_submit(request: Request) -> Response:
        form = await request.form()
        answers: dict[str, Any] = {}
        for key in set(form.keys()) - SKIPPED_FIELDS:
            values = [str(v) for v in form.getlist(key)]
            check = valid.get(key)
            if check is None or not check(values):
                return JSONResponse({"problem": key}, status_code=422)
            answers[key] = values if len(values) > 1 else values[0]
        try:
            response = int(str(form.get("response", "0")))
        except ValueError:
            return JSONResponse({"problem": "response"}, status_code=422)
        await run_in_threadpool(store.insert, response, json.dumps(answers))
        return Response(status_code=303, headers={"Location": "/next"})

    @app.post("/api/submit", status_code=201)
    async def bare_api_submit(request: Request) -> Response:
        try:
            body = json.loads(await request.body())
            answers = dict(body["answers"])
        except (ValueError, KeyError, TypeError):
            return JSONResponse({"problem": "body"}, status_code=400)
        for key, value in answers.items():
            values = [str(v) for v in value] if isinstance(value, list) else [str(value)]
            check = valid.get(key)
            if check is None or not check(values):
                return JSONResponse({"problem": key}, status_code=422)
        response = int(request.headers.get("x-bench-id", "0"))
        await run_in_threadpool(store.insert, response, json.dumps(answers))
        return JSONResponse({"status": "submitted", "id": response}, status_code=201)

    if isinstance(store, Floor):
        floor_route(app, definition, store)
    return app
