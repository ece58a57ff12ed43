"""The JSON API under /api/v1 (plus the health probes at the root)."""

from fastapi import APIRouter

from app.api import health, questionnaires

router = APIRouter()
router.include_router(health.router)
router.include_router(questionnaires.router, prefix="/api/v1")
