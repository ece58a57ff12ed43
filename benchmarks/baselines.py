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
  row, answer 201 with a small JSON object.

Configured by environment variables (uvicorn's ``--factory`` takes no arguments):
``BENCH_DATABASE`` (a file path for SQLite or a ``postgresql://`` URL) and ``BENCH_WRITE_LOCK``.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from app.definition_files import read_definition
from benchmarks.respondent_path import FLAGSHIP
from scoring import Definition, Item, ItemType
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


def create() -> FastAPI:
    """The baseline app (``uvicorn --factory benchmarks.baselines:create``)."""
    definition = read_definition(FLAGSHIP)
    valid = checks(definition)
    store = Store(os.environ["BENCH_DATABASE"], os.environ.get("BENCH_WRITE_LOCK") == "1")
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

    return app
