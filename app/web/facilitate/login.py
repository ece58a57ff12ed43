"""Logging in and out, changing one's password, and setting one through an admin's link.

The login form has no session yet, so its CSRF token is a signed double submit: a random
cookie ``radar_login_form`` and, in the form, its HMAC under the secret key (a cross-site page
can neither read the cookie nor compute the field). A login always starts a *new* session
(no fixation) and ends the one this browser had. Failed logins are throttled per account and
per client (:func:`app.deps.login_guard`) and all get the same page and message.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from app import links
from app.deps import SessionDep, failed_attempts_guard, login_guard, mark_failed_attempt
from app.errors import InvalidInput
from app.i18n import N_
from app.services import accounts, audit, rate_limit, web_sessions
from app.settings import Settings
from app.web.csrf import FormDep, SignedForm
from app.web.facilitate.access import (
    AREA,
    COOKIE,
    FacilitatorDep,
    field,
    local_path,
    login_policy,
    render,
    see_other,
    set_login_cookie,
)

router = APIRouter()
area = APIRouter(dependencies=AREA)

LOGIN_FORM = SignedForm(cookie="radar_login_form", purpose="login-form")
TOO_MANY_LOGINS = N_(
    "Too many failed logins for this account or from your network. Please wait and try again."
)
PASSWORDS_DIFFER = N_("The two new passwords differ, so nothing was changed.")


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _public_form(
    request: Request, template: str, context: dict[str, object], *, status_code: int = 200
) -> HTMLResponse:
    """A page with a form that needs no login (log in, set a password): it gets a form
    token, and the cookie it is checked against when this browser has none yet."""
    nonce, token = LOGIN_FORM.token(request)
    page = render(
        request,
        None,
        template,
        {**context, "form_token": token},
        status_code=status_code,
    )
    LOGIN_FORM.attach(request, page, nonce)
    return page


def _login_buckets(request: Request, form: FormData) -> list[tuple[str, rate_limit.Limit]]:
    settings = _settings(request)
    window = timedelta(seconds=settings.login_window_seconds)
    client = request.client.host if request.client else "unknown"
    return [
        (
            accounts.account_bucket(field(form, "email")),
            rate_limit.Limit(settings.login_attempts_per_account, window),
        ),
        (f"login-client:{client}", rate_limit.Limit(settings.login_attempts_per_client, window)),
    ]


LOGIN_GUARD = login_guard(_login_buckets, TOO_MANY_LOGINS)


def _reset_bucket(request: Request) -> str:
    return f"reset:{request.client.host if request.client else 'unknown'}"


def _reset_limit(request: Request) -> rate_limit.Limit:
    settings = _settings(request)
    return rate_limit.Limit(settings.link_attempts, timedelta(seconds=settings.link_window_seconds))


RESET_GUARD = failed_attempts_guard(_reset_bucket, _reset_limit, (accounts.ResetLinkInvalid,))


@router.get("/login", name="facilitate.login")
def login_page(request: Request, next: str = "", done: str = "") -> HTMLResponse:
    """The login form (``next``: where to go afterwards, a local path only)."""
    return _public_form(
        request,
        "facilitate/login.html",
        {"next": local_path(next) or "", "email": "", "error": None, "done": done == "reset"},
    )


@router.post("/login", name="facilitate.login.submit", dependencies=[LOGIN_GUARD])
def login(request: Request, session: SessionDep, form: FormDep) -> Response:
    LOGIN_FORM.verify(request, form)
    settings = _settings(request)
    email, target = field(form, "email"), local_path(field(form, "next"))
    try:
        user = accounts.authenticate(session, email, field(form, "password"))
    except accounts.InvalidCredentials as failure:
        mark_failed_attempt(request)
        return _public_form(
            request,
            "facilitate/login.html",
            {"next": target or "", "email": email, "error": failure.message, "done": False},
            status_code=401,
        )
    policy = login_policy(settings)
    earlier = web_sessions.find_session(session, request.cookies.get(COOKIE), policy)
    if earlier is not None:  # this browser's old session ends: a login never reuses one
        session.delete(earlier)
    _row, cookie = web_sessions.start_session(session, policy, user_id=user.id)
    audit.record(session, "user.login", actor=user.email, object_type="user", object_id=user.id)
    answer = see_other(target or links.path_for(request, "facilitate.projects"))
    set_login_cookie(answer, cookie, settings)
    return answer


@area.post("/logout", name="facilitate.logout")
def logout(request: Request, session: SessionDep, facilitator: FacilitatorDep) -> Response:
    """End this session on the server (a copied cookie stops working too)."""
    session.delete(facilitator.web_session)
    answer = see_other(links.path_for(request, "home"))
    answer.delete_cookie(COOKIE, path="/")
    return answer


@router.get("/login/reset/{token}", name="facilitate.reset", dependencies=[RESET_GUARD])
def reset_page(request: Request, token: str, session: SessionDep) -> HTMLResponse:
    """The form of an admin's one-time link: choose a new password."""
    user = accounts.find_by_reset_token(session, token)
    return _public_form(
        request, "facilitate/reset.html", {"token": token, "email": user.email, "error": None}
    )


@router.post("/login/reset", name="facilitate.reset.submit", dependencies=[RESET_GUARD])
def reset(request: Request, session: SessionDep, form: FormDep) -> Response:
    LOGIN_FORM.verify(request, form)
    token = field(form, "token")
    user = accounts.find_by_reset_token(session, token)
    try:
        if field(form, "password") != field(form, "confirm"):
            raise InvalidInput(PASSWORDS_DIFFER)
        accounts.reset_password(session, token, field(form, "password"))
    except InvalidInput as problem:
        return _public_form(
            request,
            "facilitate/reset.html",
            {"token": token, "email": user.email, "error": problem.message},
            status_code=422,
        )
    return see_other(links.path_for(request, "facilitate.login", _query={"done": "reset"}))


@area.get("/account/password", name="facilitate.password")
def password_page(request: Request, facilitator: FacilitatorDep) -> HTMLResponse:
    return render(request, facilitator, "facilitate/password.html", {"error": None, "done": False})


@area.post("/account/password", name="facilitate.password.submit")
def change_password(
    request: Request, session: SessionDep, facilitator: FacilitatorDep, form: FormDep
) -> HTMLResponse:
    """A new password; every other session of this account ends (this one stays)."""
    try:
        if field(form, "password") != field(form, "confirm"):
            raise InvalidInput(PASSWORDS_DIFFER)
        accounts.change_password(
            session,
            facilitator.user,
            field(form, "current"),
            field(form, "password"),
            keep_session_id=facilitator.web_session.id,
        )
    except InvalidInput as problem:
        return render(
            request,
            facilitator,
            "facilitate/password.html",
            {"error": problem.message, "done": False},
            status_code=422,
        )
    return render(request, facilitator, "facilitate/password.html", {"error": None, "done": True})
