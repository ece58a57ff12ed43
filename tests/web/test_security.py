"""SECURITY.md lines that are proved from the app's own route table (docs/security.md maps every
line to its tests): each route is classified, every state-changing one checks CSRF, every page
behind a respondent session is ``no-store``, tokens are long and never stored in plain text,
and every invalid link gets the very same answer."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from starlette.routing import BaseRoute

from app.api.json_body import BoundedJsonRoute
from app.models import Invitation, Response, User, WebSession, utcnow
from app.services import invitations
from app.web.respond.respondent import COOKIE
from tests import factories
from tests.helpers import minimal_definition
from tests.web.conftest import MakeLink, begin, log_in
from tests.web.pages import Page

PUBLIC = "public"  # no secret, no session: the same for everyone
LINK = "link"  # a secret token in the path: rate-limited; GET changes nothing
RESPONDENT = "respondent"  # needs the respondent's server-side session cookie
LOGIN = "login"  # the login forms: no session yet, a signed form token instead (CSRF)
FACILITATOR = "facilitator"  # needs a facilitator's login (tests/web/test_facilitator_access.py)
TOKEN = "token"  # JSON API behind an API token (Authorization: Bearer): no cookie, no CSRF

ROUTES = {
    "openapi": PUBLIC,
    "api.docs": PUBLIC,
    "api.docs.asset": PUBLIC,
    "healthz": PUBLIC,
    "readyz": PUBLIC,
    "list_questionnaires": PUBLIC,
    "list_versions": PUBLIC,
    "get_definition": PUBLIC,
    "get_definition_schema": PUBLIC,
    "current_token": TOKEN,
    "list_projects": TOKEN,
    "get_project": TOKEN,
    "list_organisations": TOKEN,
    "get_organisation": TOKEN,
    "list_rounds": TOKEN,
    "get_round": TOKEN,
    "round_progress": TOKEN,
    "create_response": TOKEN,
    "list_responses": TOKEN,
    "get_response": TOKEN,
    "replace_answers": TOKEN,
    "amend_answers": TOKEN,
    "submit_response": TOKEN,
    "response_profile": TOKEN,
    "organisation_profile": TOKEN,
    "organisation_report": TOKEN,
    "round_profile": TOKEN,
    "round_change_of": TOKEN,
    "project_quality": TOKEN,
    "score": TOKEN,
    "export_round": TOKEN,
    "create_export_job": TOKEN,
    "get_export_job": TOKEN,
    "export_job_file": TOKEN,
    "home": PUBLIC,
    "assets.static": PUBLIC,
    "respond.invitation": LINK,
    "respond.accept": LINK,
    "respond.resume": LINK,
    "report.shared": LINK,
    "respond.continue": RESPONDENT,
    "respond.start": RESPONDENT,
    "respond.consent": RESPONDENT,
    "respond.language": RESPONDENT,
    "respond.new_resume_link": RESPONDENT,
    "respond.step": RESPONDENT,
    "respond.step.save": RESPONDENT,
    "respond.step.autosave": RESPONDENT,
    "respond.review": RESPONDENT,
    "respond.submit": RESPONDENT,
    "respond.result": RESPONDENT,
    "respond.result.json": RESPONDENT,
    "respond.result.csv": RESPONDENT,
    "facilitate.login": LOGIN,
    "facilitate.login.submit": LOGIN,
    "facilitate.reset": LINK,
    "facilitate.reset.submit": LOGIN,
    **dict.fromkeys(
        (
            "facilitate.logout",
            "facilitate.password",
            "facilitate.password.submit",
            "facilitate.projects",
            "facilitate.projects.create",
            "facilitate.project",
            "facilitate.project.rename",
            "facilitate.project.archive",
            "facilitate.members.add",
            "facilitate.members.remove",
            "facilitate.organisations.add",
            "facilitate.organisation",
            "facilitate.organisation.save",
            "facilitate.organisation.remove",
            "facilitate.import",
            "facilitate.import.submit",
            "facilitate.invitations",
            "facilitate.invitations.create",
            "facilitate.invitations.csv",
            "facilitate.invitations.sheet",
            "facilitate.invitation.revoke",
            "facilitate.progress",
            "facilitate.progress.table",
            "facilitate.rounds",
            "facilitate.rounds.new",
            "facilitate.rounds.create",
            "facilitate.round",
            "facilitate.round.save",
            "facilitate.round.extend",
            "facilitate.round.close",
            "facilitate.round.reopen",
            "facilitate.round.export",
            "facilitate.round.export.download",
            "facilitate.round.export.job",
            "facilitate.round.export.job.file",
            "facilitate.dashboard",
            "facilitate.change",
            "facilitate.reports",
            "facilitate.report",
            "facilitate.report_link.create",
            "facilitate.report_link.revoke",
            "facilitate.quality",
            "facilitate.round.quality",
            "facilitate.users",
            "facilitate.users.create",
            "facilitate.users.disable",
            "facilitate.users.reset_link",
            "facilitate.tokens",
            "facilitate.tokens.create",
            "facilitate.tokens.revoke",
            "facilitate.admin_tokens",
            "facilitate.admin_tokens.create",
            "facilitate.admin_tokens.revoke",
            "facilitate.audit",
        ),
        FACILITATOR,
    ),
}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CHART_DATA = re.compile(r'<script type="application/json" id="radar-data">(.*?)</script>', re.S)


def _routes(routes: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route, through included routers (which FastAPI may keep nested)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _routes(inner.routes)
        else:
            yield route


def _methods(route: BaseRoute) -> set[str]:
    return set(getattr(route, "methods", None) or {"GET"})


def _path(app: FastAPI, route: BaseRoute) -> str:
    params = dict.fromkeys(getattr(route, "param_convertors", {}), "1")
    return app.url_path_for(getattr(route, "name", ""), **params)


def _app(client: TestClient) -> FastAPI:
    app = client.app
    assert isinstance(app, FastAPI)
    return app


def test_every_route_is_classified(client: TestClient) -> None:
    """A new route fails here until someone decides who may call it (and so which of the
    checks below apply to it)."""
    names = {getattr(route, "name", None) for route in _routes(_app(client).routes)}
    assert names - set(ROUTES) == set(), "classify the new route in ROUTES"
    assert set(ROUTES) - names == set(), "a classified route is gone: remove it from ROUTES"


def test_only_respondent_routes_change_state(client: TestClient) -> None:
    """No state change on a public route or by opening a link; every state-changing route is
    behind a session or a login form's signed token, except consent on an invitation link,
    which starts the session (the CSRF check below covers them all: the invitation page keys its
    form to a SameSite cookie), or behind an API token (no cookie is read there, so there is
    nothing to forge)."""
    unsafe = {
        getattr(route, "name", "")
        for route in _routes(_app(client).routes)
        if _methods(route) - SAFE_METHODS
    }
    assert unsafe
    assert {
        name for name in unsafe if ROUTES[name] not in (RESPONDENT, FACILITATOR, LOGIN, TOKEN)
    } == {"respond.accept"}


def test_every_token_route_refuses_a_request_without_a_token(client: TestClient) -> None:
    """API routes behind a token answer 401 with a Bearer challenge to a request without one
    (or with a cookie only), whatever the method: no route of the class can forget the check."""
    app = _app(client)
    routes = [r for r in _routes(app.routes) if ROUTES[getattr(r, "name", "")] == TOKEN]
    assert len(routes) >= 5
    for route in routes:
        for method in _methods(route) - {"HEAD"}:
            answer = client.request(method, _path(app, route), json={})
            assert answer.status_code == 401, (route, method, answer.text[:300])
            assert answer.headers["www-authenticate"].startswith("Bearer")


def test_every_json_body_is_parsed_with_bounds(client: TestClient) -> None:
    """Bounded JSON depth: the pages read forms only; every route that reads a JSON body is an
    API route whose body :class:`app.api.json_body.BoundedJsonRoute` parses (depth, NaN,
    lone surrogates; tests/api/test_bad_input_api.py), never FastAPI's unbounded parser."""
    with_body = [
        route
        for route in _routes(_app(client).routes)
        if isinstance(route, APIRoute) and route.body_field is not None
    ]
    assert {route.name for route in with_body} == {
        "create_response",
        "replace_answers",
        "amend_answers",
        "score",
    }
    assert all(isinstance(route, BoundedJsonRoute) for route in with_body)


def _state(engine: Engine) -> tuple[Any, ...]:
    """What a state-changing route could alter: the response and the browser session (without
    the "last seen" time, which a refused request may still note)."""
    with Session(engine) as session:
        responses = [
            r.model_dump() for r in session.exec(select(Response).order_by(Response.id)).all()
        ]
        sessions = [
            s.model_dump(exclude={"last_seen_at"})
            for s in session.exec(select(WebSession).order_by(WebSession.id)).all()
        ]
    return responses, sessions


def test_every_state_changing_route_needs_the_csrf_token(
    client: TestClient, started: Page, engine: Engine, admin: User
) -> None:
    """Respondent, facilitator (an admin, who may open every route) and login forms alike."""
    log_in(client, "root@example.org")  # admin.email would reopen the fixture's writer
    app = _app(client)
    unsafe = [
        route
        for route in _routes(app.routes)
        if _methods(route) - SAFE_METHODS and ROUTES[getattr(route, "name", "")] != TOKEN
    ]
    assert len(unsafe) >= 6
    revision = started.hidden()["revision"]
    before = _state(engine)
    for route in unsafe:
        for token in (None, "wrong"):
            data = {
                "revision": revision,
                "leadership.mandate": "3",
                "consent": "yes",
                "confirm": "yes",
                "language": "de",
                "action": "later",
            }
            if token is not None:
                data["csrf_token"] = token
            for method in _methods(route) - SAFE_METHODS:
                answer = client.request(method, _path(app, route), data=data)
                assert answer.status_code == 403, (route, token, answer.text[:300])
    assert _state(engine) == before


def test_every_respondent_page_is_no_store(client: TestClient, started: Page) -> None:
    """Pages behind a session show answers (or lead to them): no cache may keep them, not
    even their redirects."""
    app = _app(client)
    pages = [
        route
        for route in _routes(app.routes)
        if ROUTES[getattr(route, "name", "")] == RESPONDENT and "GET" in _methods(route)
    ]
    assert len(pages) >= 7
    for route in pages:
        answer = client.get(_path(app, route), follow_redirects=False)
        assert answer.headers.get("cache-control") == "no-store", (route, answer.status_code)


def _text_cells(engine: Engine) -> Iterator[str]:
    """Every value of every table, as text."""
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                for value in row:
                    if value is not None:
                        yield str(value)


def _bits(token: str) -> int:
    return len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) * 8


def test_tokens_are_long_random_and_stored_only_hashed(
    client: TestClient, make_link: MakeLink, engine: Engine
) -> None:
    invitation = make_link()
    step1 = begin(client, invitation)
    later = step1.submit({"action": "later"})
    resume = later.text.split("/resume/")[1].split('"')[0]
    cookie = client.cookies[COOKIE]
    secrets = {"invitation": invitation, "resume": resume, "session": cookie}
    for name, secret in secrets.items():
        assert _bits(secret) >= 128, name
    stored = "\n".join(_text_cells(engine))
    assert [name for name, secret in secrets.items() if secret in stored] == []


def test_every_invalid_link_gets_the_same_answer(
    client: TestClient, make_link: MakeLink, session: Session
) -> None:
    """Unknown, expired, revoked and used tokens: the same status, headers and body, so that
    a guesser learns nothing about which tokens exist."""
    expired = make_link(expires_at=utcnow() + timedelta(hours=1))
    revoked = make_link()
    used = make_link()
    rows = session.exec(select(Invitation).order_by(Invitation.id)).all()
    rows[0].expires_at = utcnow() - timedelta(seconds=1)
    session.add(rows[0])
    invitations.revoke(session, rows[1])
    session.commit()
    begin(client, used)
    answers = set()
    for token in (expired, revoked, used, "x" * 43, "unknown"):
        client.cookies.clear()  # a new browser each time
        answer = client.get(f"/r/{token}")
        headers = answer.headers
        answers.add(
            (answer.status_code, headers["content-type"], headers.get("set-cookie"), answer.text)
        )
    assert len(answers) == 1
    assert next(iter(answers))[0] == 404


def test_the_token_leaves_the_url_and_the_referrer(client: TestClient, make_link: MakeLink) -> None:
    """The invitation page is the only one at the token's address (and sends no referrer);
    consent moves on to the session's pages, which never show the token."""
    token = make_link()
    invitation_page = Page.get(client, f"/r/{token}")
    assert invitation_page.status == 200
    opened = client.post(
        f"/r/{token}", data={**invitation_page.hidden(), "consent": "yes"}, follow_redirects=False
    )
    assert opened.status_code == 303
    assert token not in opened.headers["location"]
    assert opened.headers["referrer-policy"] == "no-referrer"
    page = client.get(opened.headers["location"])
    assert token not in str(page.url)
    assert token not in page.text
    assert page.headers["referrer-policy"] == "no-referrer"


HOSTILE = "<script>alert(\"x\")</script> & 'q'"


def _hostile_definition() -> dict[str, Any]:
    """The small questionnaire with markup, quotes and ampersands in every text a definition
    author writes (titles, questions, choice and scale labels, levels, recommendations)."""
    data = minimal_definition()
    data["slug"] = "hostile"

    def mark(texts: dict[str, Any]) -> dict[str, Any]:
        return {
            language: [f"{value} {HOSTILE}" for value in text_]
            if isinstance(text_, list)
            else f"{text_} {HOSTILE}"
            for language, text_ in texts.items()
        }

    data["title"] = mark(data["title"])
    data["scales"]["agreement"]["labels"] = mark(data["scales"]["agreement"]["labels"])
    for dimension in data["dimensions"]:
        dimension["title"] = mark(dimension["title"])
        if "recommendations" in dimension:
            dimension["recommendations"] = mark(dimension["recommendations"])
    for item in data["items"]:
        item["text"] = mark(item["text"])
        for choice in item.get("choices", []):
            choice["label"] = mark(choice["label"])
    for band in data["scoring"]["bands"]:
        band["label"] = mark(band["label"])
    return data


def test_definition_and_organisation_texts_are_escaped_in_pages_and_chart_data(
    client: TestClient, session: Session
) -> None:
    factories.questionnaire(session, _hostile_definition())
    project = factories.project(session, min_group_size=1)
    organisation = factories.organisation(session, project, f"Region {HOSTILE}")
    round_ = factories.round_(session, project, slug="hostile")
    _invitation, token = factories.invitation(session, round_, organisation)
    session.commit()
    pages = [begin(client, token)]
    pages.append(pages[0].submit({"leadership.mandate": "1", "leadership.has_budget": "yes"}))
    pages.append(Page.get(client, "/respond/step/1"))
    pages.append(pages[-1].submit({"leadership.budget_size": "2", "leadership.has_budget": "yes"}))
    pages.append(pages[-1].submit({"services.training": "4"}))
    result = pages[-1].submit({"confirm": "yes"}, "/respond/submit")
    assert result.url == "/respond/result", result.text
    pages.append(result)
    for page in pages:
        assert "<script>alert" not in page.text, page.url
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;q&#39;" in result.text
    found = CHART_DATA.search(result.text)
    assert found is not None
    assert "<" not in found.group(1)  # tojson: no tag can close the script element
    figure = json.loads(found.group(1))
    labels = json.dumps(figure, ensure_ascii=False)
    assert "<script>" not in labels  # plotly renders its labels as HTML: escaped there too
    assert "&lt;script&gt;alert" in labels
    for download in ("/respond/result.json", "/respond/result.csv"):
        assert client.get(download).status_code == 200
