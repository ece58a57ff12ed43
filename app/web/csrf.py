"""CSRF protection (synchronizer token): every state-changing request carries the session's
token, as the hidden form field ``csrf_token`` or, for script requests, the ``X-CSRF-Token``
header. A missing or wrong token is refused with 403 before anything is read or written.

Forms shown before any session exists (logging in, setting a password, consenting on an
invitation link) use :class:`SignedForm` instead: a signed double submit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from app import forms
from app.errors import Forbidden
from app.i18n import N_
from app.models import WebSession
from app.services.web_sessions import csrf_matches
from app.settings import Settings
from app.tokens import derived_token, new_token, same

FIELD = "csrf_token"
HEADER = "x-csrf-token"
CSRF_MESSAGE = N_(
    "This form has expired or did not come from this website, so nothing was saved. "
    "Please go back, reload the page and try again."
)


async def read_form(request: Request) -> FormData:
    """The page's form, read strictly (:func:`app.forms.read_form`: no field that is not UTF-8)."""
    return await forms.read_form(request)


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


@dataclass(frozen=True)
class SignedForm:
    """CSRF protection for a form that comes before any session: a signed double submit.

    The page sets a random nonce in an HttpOnly ``SameSite=Lax`` cookie and puts
    HMAC(secret key, ``purpose``, nonce) in the form; a post must bring both. Another site's
    form cannot send the cookie (SameSite) and cannot compute the field (the key), so it
    cannot log a browser in to an account of its choosing or start a response in it with a
    link of its own. ``purpose`` keeps one form's token from serving another.
    """

    cookie: str
    purpose: str

    def token(self, request: Request) -> tuple[str, str]:
        """The browser's nonce (kept when it has a usable one, else new) and the form field."""
        nonce = request.cookies.get(self.cookie, "")
        if not (20 <= len(nonce) <= 64 and nonce.isascii()):
            nonce = new_token()
        return nonce, self._sign(request, nonce)

    def attach(self, request: Request, page: Response, nonce: str) -> None:
        """Set the nonce cookie on the page that carries the form."""
        settings: Settings = request.app.state.settings
        page.set_cookie(
            self.cookie,
            nonce,
            httponly=True,
            samesite="lax",
            secure=settings.secure_cookies,
            path="/",
        )

    def verify(self, request: Request, form: FormData) -> None:
        """Raise 403 unless the form's field is the signature of this browser's nonce."""
        nonce = request.cookies.get(self.cookie)
        presented = form.get(FIELD)
        if not nonce or not isinstance(presented, str):
            raise Forbidden(CSRF_MESSAGE)
        if not same(self._sign(request, nonce), presented):
            raise Forbidden(CSRF_MESSAGE)

    def _sign(self, request: Request, nonce: str) -> str:
        settings: Settings = request.app.state.settings
        return derived_token(settings.effective_secret_key(), self.purpose, nonce)
