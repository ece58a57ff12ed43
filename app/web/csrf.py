"""CSRF protection (synchronizer token): every state-changing request carries the session's
token, as the hidden form field ``csrf_token`` or, for script requests, the ``X-CSRF-Token``
header. A missing or wrong token is refused with 403 before anything is read or written."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from app.errors import Forbidden
from app.i18n import N_
from app.models import WebSession
from app.services.web_sessions import csrf_matches

FIELD = "csrf_token"
HEADER = "x-csrf-token"
CSRF_MESSAGE = N_(
    "This form has expired or did not come from this website, so nothing was saved. "
    "Please go back, reload the page and try again."
)


async def read_form(request: Request) -> FormData:
    return await request.form()


FormDep = Annotated[FormData, Depends(read_form)]


def presented(request: Request, form: FormData | None = None) -> str | None:
    """The token a request presents: the form field, else the header."""
    if form is not None and isinstance(form.get(FIELD), str):
        return str(form.get(FIELD))
    return request.headers.get(HEADER)


def verify(request: Request, web_session: WebSession, form: FormData | None = None) -> None:
    """Raise 403 unless the request presents this session's CSRF token."""
    if not csrf_matches(web_session, presented(request, form)):
        raise Forbidden(CSRF_MESSAGE)
