"""Server-rendered pages (Jinja2): the respondent flow and the facilitator area."""

from fastapi import APIRouter

from app.web import assets, entry, home, result, review, start, steps

router = APIRouter(include_in_schema=False)
router.include_router(home.router)
router.include_router(assets.router)
router.include_router(entry.router)
router.include_router(start.router)
router.include_router(steps.router)
router.include_router(review.router)
router.include_router(result.router)
