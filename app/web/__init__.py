"""Server-rendered pages (Jinja2): the front page, static assets and the respondent flow
(``app.web.respond``); the facilitator area will live in ``app.web.facilitate``."""

from fastapi import APIRouter

from app.web import assets, home, respond

router = APIRouter(include_in_schema=False)
router.include_router(home.router)
router.include_router(assets.router)
router.include_router(respond.router)
