"""Server-rendered pages (Jinja2): the respondent flow and the facilitator area."""

from fastapi import APIRouter

from app.web import home

router = APIRouter(include_in_schema=False)
router.include_router(home.router)
