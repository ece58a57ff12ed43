"""Server-rendered pages (Jinja2): the front page, static assets and the respondent flow
(``app.web.respond``), the facilitator area (``app.web.facilitate``) and the shared partner
report (``app.web.shared_report``)."""

from fastapi import APIRouter

from app.web import assets, facilitate, home, respond, shared_report

router = APIRouter(include_in_schema=False)
router.include_router(home.router)
router.include_router(assets.router)
router.include_router(respond.router)
router.include_router(facilitate.router)
router.include_router(shared_report.router)
