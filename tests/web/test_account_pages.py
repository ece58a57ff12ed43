"""Accounts in the browser: an admin creates and disables accounts and issues a one-time
password link; the link sets a new password once; a password change ends the other sessions;
projects are renamed, archived, and get members; partners are edited and removed."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.models import Organisation, Project, User, WebSession
from app.web.facilitate.access import COOKIE
from tests.web.conftest import PASSWORD, log_in
from tests.web.pages import Page

RESET_LINK = re.compile(r"http://testserver(/login/reset/[\w-]+)")


def _sessions(engine: Engine, email: str) -> int:
    with Session(engine) as session:
        user = session.exec(select(User).where(User.email == email)).one()
        return len(session.exec(select(WebSession).where(WebSession.user_id == user.id)).all())


def test_admin_creates_an_account_and_gives_a_reset_link_that_works_once(
    client: TestClient, admin: User, engine: Engine
) -> None:
    log_in(client, "root@example.org")
    users = Page.get(client, "/admin/users")
    short = users.submit({"email": "bo@example.org", "password": "short"}, "/admin/users")
    assert short.status == 422
    assert "password: needs 12 to 256 characters" in short.text
    assert 'value="bo@example.org"' in short.text  # what was typed stays
    created = users.submit({"email": "bo@example.org", "password": PASSWORD}, "/admin/users")
    assert created.url == "/admin/users"
    assert "bo@example.org" in created.text
    with Session(engine) as session:
        bo = session.exec(select(User).where(User.email == "bo@example.org")).one()
    issued = created.submit({}, f"/admin/users/{bo.id}/reset-link")
    found = RESET_LINK.search(issued.text)
    assert found is not None, issued.text
    link = found.group(1)
    assert Page.get(client, "/admin/users").text.count(link) == 0  # shown only once
    client.cookies.clear()
    form = Page.get(client, link)
    assert form.status == 200
    assert "bo@example.org" in form.text
    differ = form.submit({"password": "a new password!", "confirm": "other"}, "/login/reset")
    assert "two new passwords differ" in differ.text
    done = form.submit(
        {"password": "a new password!", "confirm": "a new password!"}, "/login/reset"
    )
    assert done.url == "/login"
    assert "Your new password is set" in done.text
    assert Page.get(client, link).status == 404  # used up
    assert log_in(client, "bo@example.org", "a new password!").url == "/projects"


def test_disabling_an_account_ends_its_sessions_at_once(
    client: TestClient, admin: User, facilitator: User, engine: Engine, app: object
) -> None:
    other = TestClient(client.app)  # Ana's own browser
    other.headers["Accept-Language"] = "en"
    assert log_in(other, "ana@example.org").url == "/projects"
    log_in(client, "root@example.org")
    with Session(engine) as session:
        ana = session.exec(select(User).where(User.email == "ana@example.org")).one()
    Page.get(client, "/admin/users").submit({}, f"/admin/users/{ana.id}/disable")
    assert _sessions(engine, "ana@example.org") == 0
    assert other.get("/projects", follow_redirects=False).status_code == 303
    assert log_in(other, "ana@example.org").status == 401


def test_a_password_change_ends_the_other_sessions_only(
    client: TestClient, facilitator: User, engine: Engine
) -> None:
    other = TestClient(client.app)
    log_in(other, "ana@example.org")
    log_in(client, "ana@example.org")
    assert _sessions(engine, "ana@example.org") == 2
    form = Page.get(client, "/account/password")
    wrong = form.submit(
        {"current": "wrong", "password": "a new password!", "confirm": "a new password!"},
        "/account/password",
    )
    assert "current password is not correct" in wrong.text
    changed = form.submit(
        {"current": PASSWORD, "password": "a new password!", "confirm": "a new password!"},
        "/account/password",
    )
    assert "logged out everywhere else" in changed.text
    assert _sessions(engine, "ana@example.org") == 1
    assert client.get("/projects").status_code == 200
    assert other.get("/projects", follow_redirects=False).status_code == 303


def test_rename_archive_and_members(
    client: TestClient, logged_in: Page, admin: User, engine: Engine
) -> None:
    page = Page.get(client, "/projects/net")
    renamed = page.submit({"name": "Baltic & <Co>"}, "/projects/net/rename")
    assert '<h1 dir="auto">Baltic &amp; &lt;Co&gt;</h1>' in renamed.text
    empty = page.submit({"name": " "}, "/projects/net/rename")
    assert empty.status == 422
    assert "project name: must not be empty" in empty.text
    unknown = page.submit({"email": "nobody@example.org"}, "/projects/net/members")
    assert "there is no account &#39;nobody@example.org&#39;" in unknown.text
    added = page.submit({"email": "ROOT@example.org"}, "/projects/net/members")
    assert "root@example.org" in added.text
    archived = page.submit({"archived": "yes"}, "/projects/net/archive")
    assert "This project is archived." in archived.text
    listing = Page.get(client, "/projects")
    assert listing.text.index("Archived projects") < listing.text.index("Baltic")
    with Session(engine) as session:
        project = session.exec(select(Project)).one()
        assert project.archived_at is not None


def test_the_last_member_cannot_leave(client: TestClient, logged_in: Page, engine: Engine) -> None:
    with Session(engine) as session:  # not facilitator.id: reloading it takes the write lock
        ana = session.exec(select(User.id).where(User.email == "ana@example.org")).one()
    page = Page.get(client, "/projects/net")
    refused = page.submit({}, f"/projects/net/members/{ana}/remove")
    assert refused.status == 409
    assert "is the last member of project" in refused.text


def test_edit_and_remove_a_partner(
    client: TestClient, logged_in: Page, organisation: Organisation, engine: Engine
) -> None:
    with Session(engine) as session:
        organisation_id = session.exec(select(Organisation.id)).one()
    edit = Page.get(client, f"/projects/net/organisations/{organisation_id}")
    assert edit.status == 200
    path = f"/projects/net/organisations/{organisation_id}"
    bad = edit.submit({"name": "Saxony", "foreign_born_share": "120"}, path)
    assert bad.status == 422
    assert "foreign-born share: 120.0 is not a percentage from 0 to 100" in bad.text
    saved = edit.submit(
        {
            "name": "Saxony",
            "country": "de",
            "kind": "region",
            "population": "4,000,000",  # the English page reads English numbers
            "foreign_born_share": "7.5",
            "area_type": "rural",
        },
        path,
    )
    assert saved.url == "/projects/net", saved.text[saved.text.find("alert") :][:300]
    with Session(engine) as session:
        row = session.get(Organisation, organisation_id)
        assert row is not None
        assert (row.name, row.population, row.foreign_born_share, row.area_type) == (
            "Saxony",
            4_000_000,
            7.5,
            "rural",
        )
    # the saved numbers are shown as they were read, in the page's format
    again = Page.get(client, path)
    assert 'value="4,000,000"' in again.text
    assert 'value="7.5"' in again.text
    client.headers["Accept-Language"] = "de"
    german = Page.get(client, path)
    assert 'value="4.000.000"' in german.text
    assert 'value="7,5"' in german.text
    shown = {"name": "Saxony", "population": "4.000.000", "foreign_born_share": "7,5"}
    resaved = german.submit(shown, path)
    assert resaved.url == "/projects/net", resaved.text[resaved.text.find("alert") :][:300]
    with Session(engine) as session:
        row = session.get(Organisation, organisation_id)
        assert row is not None
        assert (row.population, row.foreign_born_share) == (4_000_000, 7.5)
    edit.submit({}, f"{path}/remove")
    with Session(engine) as session:
        assert session.exec(select(Organisation)).all() == []
    assert COOKIE in client.cookies
