"""The JSON API: health probes at the root (:data:`probes`), version 1 under ``/api/v1``
(``app.api.v1``), its browsable documentation at ``/api/v1/docs``.

The probes are a router of their own, included first: FastAPI walks an included router's
whole tree of routes to match a request, so a probe matched among two routes costs less than
one matched among every route of the API (load balancers call it every few seconds)."""

from fastapi import APIRouter

from app.api import docs, health, v1

probes = health.router

router = APIRouter()
router.include_router(v1.router)
router.include_router(docs.router)
