"""Respondent pages: invitation and personal links, consent, one page per dimension, review,
submission and the result with its downloads. The respondent is known by a server-side session,
never by the URL."""

from fastapi import APIRouter

from app.web.respond import entry, result, review, start, steps

router = APIRouter()
router.include_router(entry.router)
router.include_router(start.router)
router.include_router(steps.router)
router.include_router(review.router)
router.include_router(result.router)
