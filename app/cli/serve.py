"""``radar serve``: prepare the database, then run the web service with uvicorn."""

from __future__ import annotations

import typer
import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app import links
from app.cli.common import fail, say
from app.db import make_engine
from app.main import SETTLE_HEAP, create_app
from app.middleware import SECURITY_HEADERS
from app.request_log import logging_config
from app.settings import get_settings
from app.startup import StartupError, describe_url, prepare
from scoring import shorten

MAX_PORT = 65535


class SecureHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's HTTP protocol (httptools, as ``uvicorn[standard]`` installs it), whose own
    answer to a request it cannot parse (a bare 400 that never reaches the app, so
    :class:`app.middleware.Edge` cannot dress it) carries the security headers too.

    uvicorn writes that answer with its server's default headers; they are widened with
    :data:`~app.middleware.SECURITY_HEADERS` for the length of that one synchronous call
    (the event loop runs nothing in between), so the app's own answers, which Edge
    already dresses, never get them twice."""

    def send_400_response(self, msg: str) -> None:
        state = self.server_state
        kept = state.default_headers
        state.default_headers = [*kept, *SECURITY_HEADERS]
        try:
            super().send_400_response(msg)
        finally:
            state.default_headers = kept


def serve(
    host: str | None = typer.Option(None, help="Bind address (default RADAR_HOST)"),
    port: int | None = typer.Option(None, help="Port (default RADAR_PORT)"),
) -> None:
    """Start the web service; migrates the embedded SQLite database and loads questionnaires.

    On an empty database it creates a demo project and prints a link to try it.
    """
    if port is not None and not 1 <= port <= MAX_PORT:
        raise fail(f"--port: {shorten(port)} is not a port number from 1 to {MAX_PORT}")
    overrides = {key: value for key, value in (("host", host), ("port", port)) if value}
    settings = get_settings().model_copy(update=overrides)  # printed links use the real port
    engine = make_engine(settings.effective_database_url)
    try:
        prepared = prepare(settings, engine)
    except StartupError as exc:
        raise fail(str(exc)) from None
    finally:
        engine.dispose()
    if prepared.migrated:
        say("database migrated to the newest schema")
    for result in prepared.loaded:
        say(f"questionnaire {result.slug} {result.version}: {result.outcome.value}")
    say(f"database: {describe_url(settings.effective_database_url)}")
    links.record_bind_address(settings)  # the CLI's printed links use this port too
    application = create_app(settings)
    setattr(application.state, SETTLE_HEAP, True)  # once its start-up has run, see settle_heap
    if prepared.demo_token:
        demo_link = links.public_link(
            settings, application, "respond.invitation", token=prepared.demo_token
        )
        say(f"Try it: {demo_link}")
        say("(this demo link is shown only now; `radar invite` makes new ones)")
        if prepared.demo_login:
            email, password = prepared.demo_login
            login = links.public_link(settings, application, "facilitate.login")
            say(f"Facilitator login: {login} as {email} with password {password}")
            say("(shown only now; `radar users reset-link` makes a new password link)")
    elif prepared.demo_hint:
        say(f"demo project present; a new link to try it: {prepared.demo_hint}")
    uvicorn.run(
        application,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        log_config=logging_config(settings.log_level, settings.log_format),
        access_log=False,  # uvicorn's access log prints raw paths: app.request_log logs instead
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        http=SecureHttpToolsProtocol,
    )
