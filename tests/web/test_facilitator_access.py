"""The access-control table: every route of the facilitator area, generated from the app's own
route list, requested by each role (anonymous, a facilitator of another project, a member,
an admin). A new route fails here until it is classified, so none can forget its check.

- anonymous: pages redirect to the login page (and come back afterwards), scripts get 401;
- a facilitator of another project: 404 for the project, for its objects by id, and for an
  object of the other project addressed through their own project's URL; admin pages 404;
- a member: never 401/403/404 on their project's routes;
- an admin: every project and the user management.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session
from starlette.routing import BaseRoute

from app.models import Organisation, Project
from app.services import accounts, api_tokens, export_jobs, members, round_export
from tests import factories
from tests.web.conftest import PASSWORD, log_in
from tests.web.pages import Page
from tests.web.test_security import _methods, _routes

OPEN = "open"  # the login pages: anyone
AREA = "area"  # any logged-in account
PROJECT = "project"  # a project (and objects in it) in the path: members and admins
ADMIN = "admin"  # user management: admins only

TABLE = {
    "facilitate.login": OPEN,
    "facilitate.login.submit": OPEN,
    "facilitate.reset": OPEN,
    "facilitate.reset.submit": OPEN,
    "facilitate.logout": AREA,
    "facilitate.password": AREA,
    "facilitate.password.submit": AREA,
    "facilitate.projects": AREA,
    "facilitate.projects.create": AREA,
    "facilitate.project": PROJECT,
    "facilitate.project.rename": PROJECT,
    "facilitate.project.archive": PROJECT,
    "facilitate.members.add": PROJECT,
    "facilitate.members.remove": PROJECT,
    "facilitate.organisations.add": PROJECT,
    "facilitate.organisation": PROJECT,
    "facilitate.organisation.save": PROJECT,
    "facilitate.organisation.remove": PROJECT,
    "facilitate.import": PROJECT,
    "facilitate.import.submit": PROJECT,
    "facilitate.invitations": PROJECT,
    "facilitate.invitations.create": PROJECT,
    "facilitate.invitations.csv": PROJECT,
    "facilitate.invitations.sheet": PROJECT,
    "facilitate.invitation.revoke": PROJECT,
    "facilitate.progress": PROJECT,
    "facilitate.progress.table": PROJECT,
    "facilitate.rounds": PROJECT,
    "facilitate.rounds.new": PROJECT,
    "facilitate.rounds.create": PROJECT,
    "facilitate.round": PROJECT,
    "facilitate.round.save": PROJECT,
    "facilitate.round.extend": PROJECT,
    "facilitate.round.close": PROJECT,
    "facilitate.round.reopen": PROJECT,
    "facilitate.round.export": PROJECT,
    "facilitate.round.export.download": PROJECT,
    "facilitate.round.export.job": PROJECT,
    "facilitate.round.export.job.file": PROJECT,
    "facilitate.dashboard": PROJECT,
    "facilitate.change": PROJECT,
    "facilitate.reports": PROJECT,
    "facilitate.report": PROJECT,
    "facilitate.report_link.create": PROJECT,
    "facilitate.report_link.revoke": PROJECT,
    "facilitate.quality": PROJECT,
    "facilitate.round.quality": PROJECT,
    "facilitate.users": ADMIN,
    "facilitate.users.create": ADMIN,
    "facilitate.users.disable": ADMIN,
    "facilitate.users.reset_link": ADMIN,
    "facilitate.tokens": PROJECT,
    "facilitate.tokens.create": PROJECT,
    "facilitate.tokens.revoke": PROJECT,
    "facilitate.admin_tokens": ADMIN,
    "facilitate.admin_tokens.create": ADMIN,
    "facilitate.admin_tokens.revoke": ADMIN,
    "facilitate.audit": AREA,
}
SAFE = {"GET", "HEAD", "OPTIONS"}
JSON = {"Accept": "application/json"}


def _facilitator_routes(app: FastAPI) -> Iterator[tuple[str, str, BaseRoute]]:
    for route in _routes(app.routes):
        name = getattr(route, "name", "")
        if name.startswith("facilitate."):
            for method in sorted(_methods(route)):
                yield name, method, route


def _app(client: TestClient) -> FastAPI:
    assert isinstance(client.app, FastAPI)
    return client.app


def test_every_facilitator_route_is_in_the_table(client: TestClient) -> None:
    names = {name for name, _method, _route in _facilitator_routes(_app(client))}
    assert names - set(TABLE) == set(), "classify the new facilitator route in TABLE"
    assert set(TABLE) - names == set(), "a classified route is gone: remove it from TABLE"


class World:
    """Two projects with one partner, one round and one link each; Ana is a member of ``net``,
    Bo of ``other``."""

    def __init__(self, session: Session, project: Project, organisation: Organisation) -> None:
        self.project = project
        self.organisation = organisation
        self.other = factories.project(session, "other", "Other network")
        self.other_organisation = factories.organisation(session, self.other, "Elsewhere")
        self.round = factories.round_(session, project, "Baseline")
        self.other_round = factories.round_(session, self.other, "Elsewhere round")
        # the link's partner is not the one the table's "remove partner" request removes
        self.spare = factories.organisation(session, project, "Spare")
        factories.invitation(session, self.round, self.spare)
        factories.invitation(session, self.other_round, self.other_organisation)
        self.ana = accounts.create_user(session, "ana@example.org", PASSWORD)
        self.bo = accounts.create_user(session, "bo@example.org", PASSWORD)
        self.root = accounts.create_user(session, "root@example.org", PASSWORD, admin=True)
        self.extra = accounts.create_user(session, "extra@example.org", PASSWORD)
        members.add_member(session, project, self.ana)
        members.add_member(session, project, self.extra)
        members.add_member(session, self.other, self.bo)
        members.add_member(session, self.other, self.extra)
        self.token = api_tokens.create_token(session, project, "net's", ["results:read"])[0]
        self.other_token = api_tokens.create_token(
            session, self.other, "other's", ["results:read"]
        )[0]
        self.cross_token = api_tokens.create_token(session, None, "admin's", ["results:read"])[0]
        job = export_jobs.request(
            session, round_export.prepare(session, self.round, "xlsx"), actor="t", keep_hours=1
        )
        other_job = export_jobs.request(
            session,
            round_export.prepare(session, self.other_round, "xlsx"),
            actor="t",
            keep_hours=1,
        )
        # plain values: reading a committed row again would open a writer (SQLite's lock)
        self.ids = {
            "net": project.slug,
            "other": self.other.slug,
            "organisation": organisation.id,
            "spare": self.spare.id,
            "other_organisation": self.other_organisation.id,
            "round": self.round.id,
            "other_round": self.other_round.id,
            "bo": self.bo.id,
            "extra": self.extra.id,
            "token": self.token.id,
            "other_token": self.other_token.id,
            "cross_token": self.cross_token.id,
            "job": job.id,
            "other_job": other_job.id,
        }
        session.commit()

    def params(
        self, route: BaseRoute, *, foreign: bool = False, cross: bool = False
    ) -> dict[str, Any]:
        """Path values for ``route``: ``net``'s objects; ``foreign``: all of ``other``;
        ``cross``: ``net``'s URL with ``other``'s object ids."""
        values: dict[str, Any] = {}
        for name in getattr(route, "param_convertors", {}):
            if name == "slug":
                values[name] = self.ids["other" if foreign else "net"]
            elif name == "organisation_id":
                # a round's partner (its report) is the one the "remove partner" request spares
                own = "spare" if "round_id" in getattr(route, "param_convertors", {}) else None
                key = "other_organisation" if foreign or cross else own or "organisation"
                values[name] = self.ids[key]
            elif name == "round_id":
                values[name] = self.ids["other_round" if foreign or cross else "round"]
            elif name == "user_id":
                values[name] = self.ids["bo" if foreign or cross else "extra"]
            elif name == "job_id":
                values[name] = self.ids["other_job" if foreign or cross else "job"]
            elif name == "questionnaire":
                values[name] = factories.MINI  # both projects' rounds are on mini 1.0
            elif name == "version":
                values[name] = "1.0"
            elif name == "number":
                values[name] = 1  # each round's first link
            elif name == "token":
                values[name] = "x" * 43
            elif name == "token_id" and getattr(route, "path", "").startswith("/admin/"):
                # an admin's page of cross-project tokens; a project's token is "not found"
                values[name] = self.ids["token" if foreign or cross else "cross_token"]
            elif name == "token_id":
                values[name] = self.ids["other_token" if foreign or cross else "token"]
            else:
                raise AssertionError(f"no test value for path parameter {name!r}")
        return values


@pytest.fixture
def world(session: Session, project: Project, organisation: Organisation) -> World:
    return World(session, project, organisation)


def _request(client: TestClient, method: str, path: str, csrf: str = "", **kwargs: Any) -> Any:
    data = {"csrf_token": csrf} if method not in SAFE else None
    return client.request(method, path, data=data, follow_redirects=False, **kwargs)


def _csrf(client: TestClient) -> str:
    return Page.get(client, "/account/password").hidden("/account/password")["csrf_token"]


def test_anonymous_pages_go_to_the_login_and_scripts_get_401(
    client: TestClient, world: World
) -> None:
    app = _app(client)
    checked = 0
    for name, method, route in _facilitator_routes(app):
        if TABLE[name] == OPEN:
            continue
        path = app.url_path_for(name, **world.params(route))
        page = _request(client, method, path)
        assert page.status_code == 303, (name, method, page.status_code)
        assert page.headers["location"].startswith("/login"), name
        if method in SAFE:
            assert page.headers["location"] == f"/login?next={path.replace('/', '%2F')}"
        script = _request(client, method, path, headers=JSON)
        assert script.status_code == 401, (name, method)
        assert script.json()["type"] == "/problems/login-required"
        checked += 1
    assert checked >= 20


def test_a_facilitator_of_another_project_gets_404_everywhere(
    client: TestClient, world: World
) -> None:
    log_in(client, "bo@example.org")
    csrf = _csrf(client)
    app = _app(client)
    checked = []
    for name, method, route in _facilitator_routes(app):
        if TABLE[name] not in (PROJECT, ADMIN):
            continue
        variants = [world.params(route)]
        if {"organisation_id", "user_id", "round_id", "token_id", "job_id"} & set(variants[0]):
            variants.append(world.params(route, cross=True))
        for params in variants:
            answer = _request(client, method, app.url_path_for(name, **params), csrf)
            assert answer.status_code == 404, (name, method, params, answer.status_code)
            checked.append(name)
    assert len(checked) >= 16


def test_a_member_object_of_another_project_by_id_is_404(client: TestClient, world: World) -> None:
    """Ana addresses ``other``'s partner and member through her own project's URL."""
    log_in(client, "ana@example.org")
    csrf = _csrf(client)
    app = _app(client)
    for name, method, route in _facilitator_routes(app):
        params = world.params(route, cross=True)
        if TABLE[name] != PROJECT or params == world.params(route):
            continue
        answer = _request(client, method, app.url_path_for(name, **params), csrf)
        assert answer.status_code == 404, (name, method)


@pytest.mark.parametrize("who", ["ana@example.org", "root@example.org"])
def test_members_and_admins_pass_every_check_of_their_routes(
    client: TestClient, world: World, who: str
) -> None:
    """Every route answers without 401/403/404 (an empty form may still be invalid: 422)."""
    log_in(client, who)
    app = _app(client)
    answers = {}
    for name, method, route in sorted(
        _facilitator_routes(app), key=lambda item: item[1] in SAFE, reverse=True
    ):
        if TABLE[name] == OPEN or name == "facilitate.logout":
            continue
        if TABLE[name] == ADMIN and who != "root@example.org":
            continue
        answer = _request(
            client, method, app.url_path_for(name, **world.params(route)), _csrf(client)
        )
        answers[(name, method)] = answer.status_code
    assert {
        key: code for key, code in answers.items() if code in (401, 403, 404) or code >= 500
    } == {}
    assert len(answers) >= 15


def test_the_admin_sees_every_project_and_a_facilitator_only_theirs(
    client: TestClient, world: World
) -> None:
    log_in(client, "root@example.org")
    listed = client.get("/projects").text
    assert "Other network" in listed
    assert "Network" in listed
    client.cookies.clear()
    log_in(client, "ana@example.org")
    listed = client.get("/projects").text
    assert "Other network" not in listed
    assert client.get("/projects/other").status_code == 404
    assert client.get("/admin/users").status_code == 404
