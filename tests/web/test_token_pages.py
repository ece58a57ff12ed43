"""API tokens in the facilitator area: a member lists, creates (the secret shown once, no-store)
and revokes the project's tokens; an admin does the same for cross-project tokens; every
change is audited; bad input comes back with what was typed."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.models import ApiToken, AuditEvent, Project, User
from app.services import api_tokens
from tests import factories
from tests.web.conftest import log_in
from tests.web.pages import Page

SECRET = re.compile(r"<code class=\"link\">(radar_[\w-]+)</code>")


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_a_member_creates_a_token_sees_it_once_and_revokes_it(
    client: TestClient, logged_in: Page, project: Project, engine: Engine
) -> None:
    page = Page.get(client, "/projects/net/tokens")
    assert page.status == 200
    assert "No tokens yet." in page.text
    answer = client.post(
        "/projects/net/tokens",
        data={
            "csrf_token": page.csrf,
            "name": "Regional portal",
            "scopes": ["results:read", "exports:read"],
            "expires": "2027-12-31",
        },
    )
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    found = SECRET.search(answer.text)
    assert found is not None, answer.text
    secret = found.group(1)
    assert "31 December 2027" in answer.text  # the last day, in the page's language
    assert "never" in answer.text  # not used yet
    me = client.get("/api/v1/token", headers=_bearer(secret)).json()
    assert me["project"] == "net"
    assert me["scopes"] == ["results:read", "exports:read"]
    listed = Page.get(client, "/projects/net/tokens")
    assert secret not in listed.text  # shown only once
    assert secret[:14] in listed.text  # the prefix tells it apart
    with Session(engine) as session:
        row = session.exec(select(ApiToken)).one()
        assert row.expires_at == datetime(2027, 12, 31, 23, 0, tzinfo=UTC)  # Berlin's midnight
        created = session.exec(
            select(AuditEvent).where(AuditEvent.action == "api_token.create")
        ).one()
        assert created.actor == "ana@example.org"
        assert created.project_id == row.project_id
        assert session.get(Project, row.project_id).slug == "net"
    revoked = listed.submit({}, f"/projects/net/tokens/{row.id}/revoke")
    assert revoked.url == "/projects/net/tokens"
    assert "revoked" in revoked.text
    assert client.get("/api/v1/token", headers=_bearer(secret)).status_code == 401
    with Session(engine) as session:
        event = session.exec(
            select(AuditEvent).where(AuditEvent.action == "api_token.revoke")
        ).one()
        assert event.actor == "ana@example.org"


def test_wrong_token_forms_come_back_with_what_was_typed(
    client: TestClient, logged_in: Page, engine: Engine
) -> None:
    page = Page.get(client, "/projects/net/tokens")
    hostile = '<script>alert("x")</script>'
    cases = [
        ({"name": hostile, "expires": ""}, "name at least one scope"),
        ({"name": "x", "scopes": "results:read", "expires": "31.12.2027"}, "is not a date"),
        ({"name": "x", "scopes": "results:read", "expires": "2020-01-01"}, "in the future"),
        ({"name": "x", "scopes": "results:read", "expires": "1999-12-31"}, "outside the years"),
        ({"name": "x", "scopes": "everything"}, "unknown scope"),
        ({"name": "", "scopes": "results:read"}, "token name"),
        ({"name": "a\x00b", "scopes": "results:read"}, "token name"),
    ]
    for data, message in cases:
        answer = page.submit(data, "/projects/net/tokens")
        assert answer.status == 422, (data, answer.status)
        assert message in answer.text, (data, answer.text[:3000])
        assert "radar_" not in SECRET.pattern or SECRET.search(answer.text) is None
    every = page.submit({"name": "", "expires": "2020-01-01"}, "/projects/net/tokens")
    assert every.status == 422  # every problem at once, each beside its field
    for name in ("name", "scopes", "expires"):
        assert f'id="e-{name}"' in every.text, name
    assert every.text.count('<a href="#f-') == 3  # and each in the summary
    kept = page.submit({"name": hostile, "scopes": []}, "/projects/net/tokens")
    assert hostile not in kept.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in kept.text
    with Session(engine) as session:
        assert session.exec(select(ApiToken)).all() == []


def test_a_hostile_token_name_is_escaped_in_the_list(
    client: TestClient, logged_in: Page, session: Session, project: Project
) -> None:
    factories.api_token(session, project, ("results:read",))
    api_tokens.create_token(session, project, "<b>bold</b> =1+1", ["results:read"])
    session.commit()
    page = Page.get(client, "/projects/net/tokens")
    assert "<b>bold</b>" not in page.text
    assert "&lt;b&gt;bold&lt;/b&gt;" in page.text


def test_an_admin_makes_a_cross_project_token(
    client: TestClient, admin: User, project: Project, session: Session, engine: Engine
) -> None:
    factories.project(session, "other", "Other network")
    session.commit()
    log_in(client, "root@example.org")
    page = Page.get(client, "/admin/tokens")
    assert page.status == 200
    assert "Cross-project API tokens" in page.text
    made = page.submit({"name": "Warehouse", "scopes": "results:read"}, "/admin/tokens")
    assert made.status == 200
    found = SECRET.search(made.text)
    assert found is not None
    listed = client.get("/api/v1/projects", headers=_bearer(found.group(1))).json()
    assert sorted(row["slug"] for row in listed["items"]) == ["net", "other"]
    assert Page.get(client, "/projects/net/tokens").text.count("Warehouse") == 0
    with Session(engine) as db:
        row = db.exec(select(ApiToken)).one()
        assert row.project_id is None
    # a cross-project token is not a project's: revoking it through a project is "not found"
    page = Page.get(client, "/projects/net/tokens")
    assert (
        client.post(
            f"/projects/net/tokens/{row.id}/revoke", data={"csrf_token": page.csrf}
        ).status_code
        == 404
    )
    revoked = Page.get(client, "/admin/tokens").submit({}, f"/admin/tokens/{row.id}/revoke")
    assert revoked.url == "/admin/tokens"
    again = client.post(
        f"/admin/tokens/{row.id}/revoke",
        data={"csrf_token": Page.get(client, "/admin/tokens").csrf},
    )
    assert again.status_code == 409
    assert "was revoked on" in again.text
