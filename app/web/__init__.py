"""Server-rendered pages (Jinja2): the front page, static assets and the respondent flow
(``app.web.respond``) and the facilitator area (``app.web.facilitate``)."""

from fastapi import APIRouter

from app.web import assets, facilitate, home, respond

router = APIRouter(include_in_schema=False)
router.include_router(home.router)
router.include_router(assets.router)
router.include_router(respond.router)
router.include_router(facilitate.router)
