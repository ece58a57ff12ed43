"""The JSON API: health probes at the root (:data:`probes`), version 1 under ``/api/v1``
(``app.api.v1``), its browsable documentation at ``/api/v1/docs``.

The probes and the questionnaires' public reads (:data:`reads`, under :data:`READS_PREFIX`)
are routers of their own, included first and not nested in another router: FastAPI walks an
included router's whole tree of routers to match a request (checking each one's version
before it looks at its routes), so a route matched among a few routes of a router at the top
costs a fraction of one matched three levels down among every route of the API (load
balancers call the probes every few seconds; clients read definitions on every start).
"""

from fastapi import APIRouter

from app.api import docs, health, v1

probes = health.router
reads = v1.reads
READS_PREFIX = v1.PREFIX

router = APIRouter()
router.include_router(v1.router)
router.include_router(docs.router)
