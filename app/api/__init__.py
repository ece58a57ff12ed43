"""The JSON API: health probes at the root, version 1 under ``/api/v1`` (``app.api.v1``), its
browsable documentation at ``/api/v1/docs``."""

from fastapi import APIRouter

from app.api import docs, health, v1

router = APIRouter()
router.include_router(health.router)
router.include_router(v1.router)
router.include_router(docs.router)
