"""Assembles the application: middleware, error handlers, routers. Nothing else.

Static files are a route of the pages (:mod:`app.web.assets`: hashed names, compressed once).
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI

from app import api, links, web
from app.db import WORKER_THREADS, make_engine
from app.export_worker import Worker
from app.middleware import Edge
from app.problems import install_error_handlers
from app.settings import Settings, get_settings
from app.templating import environment
from app.warmup import Warmer

SETTLE_HEAP = "settle_heap"
"""``app.state`` flag: call :func:`settle_heap` on start-up (``radar serve`` sets it; tests,
which start many apps in one process, do not)."""


def settle_heap() -> None:
    """Put every object made so far (modules, the app and its routes, templates, catalogues:
    about 280,000) out of the garbage collector's sight, once, when the service starts.

    A full collection walks every tracked object: under load it ran every few hundred requests
    and took 70 to 100 ms of CPU each time, holding the interpreter lock, a fifth of a step
    page's CPU (docs/performance.md). These objects live as long as the process, so a
    collection could not free them anyway; objects made later are collected as before.
    """
    gc.collect()
    gc.freeze()


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """As many threads for synchronous routes as the database pool has connections, the
    background exports' worker thread and the dashboards' warm-up thread (each unless turned
    off); neither delays readiness."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
    settings: Settings = app.state.settings
    worker = Worker(app.state.engine, settings) if settings.export_worker else None
    warmer = Warmer(app.state.engine) if settings.warm_dashboards else None
    if worker is not None:
        worker.start()
    if warmer is not None:
        warmer.start()
    app.state.warmer = warmer
    if getattr(app.state, SETTLE_HEAP, False):
        settle_heap()
    try:
        yield
    finally:
        if warmer is not None:
            warmer.stop()
        if worker is not None:
            worker.stop()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Integration Radar",
        version="1",
        description="Self-assessment of intercultural integration: questionnaires, profiles, "
        "comparisons. JSON API under /api/v1.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # app.api.docs serves it without a CDN or inline script
        redoc_url=None,
        lifespan=_lifespan,
    )
    environment.auto_reload = settings.reload_templates  # no stat per template and request
    app.state.settings = settings
    app.state.engine = make_engine(settings.effective_database_url)
    probes = [api.probes.url_path_for(name) for name in ("healthz", "readyz")]
    # one layer: request id and log, security headers on every answer (errors included),
    # trusted hosts, body size limit, the answer to errors that escape the app
    app.add_middleware(
        Edge,
        allowed_hosts=links.trusted_hosts(settings),
        open_paths=probes,
        max_bytes=settings.max_request_bytes,
    )
    install_error_handlers(app)
    app.include_router(api.probes)
    app.include_router(api.reads, prefix=api.READS_PREFIX)
    app.include_router(api.router)
    app.include_router(web.router)
    return app
