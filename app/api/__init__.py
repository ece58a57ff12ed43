"""The JSON API: health probes at the root, version 1 under ``/api/v1`` (``app.api.v1``)."""

from fastapi import APIRouter

from app.api import health, v1

router = APIRouter()
router.include_router(health.router)
router.include_router(v1.router)
