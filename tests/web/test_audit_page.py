"""The audit log page: admins see every event, facilitators those of their projects; filters,
pages cut in SQL, dates in the page's language, hostile values escaped, and no trace of who
answered an anonymous round."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import AuditEvent, Organisation, Project, Round, User
from app.services import audit, respondent_data
from tests import factories
from tests.web.conftest import log_in
from tests.web.pages import Page


def _event(session: Session, action: str, *, project_id: int | None, **fields: object) -> None:
    fields.setdefault("actor", "operator")
    session.add(AuditEvent(action=action, project_id=project_id, **fields))


def _rows(page: Page) -> int:
    """The events listed (table rows apart from the head)."""
    return max(page.text.count("<tr>") - 1, 0)


def test_a_facilitator_sees_only_their_projects_and_an_admin_everything(
    client: TestClient, facilitator: User, admin: User, project: Project, session: Session
) -> None:
    factories.project(session, "other", "Other network")
    session.commit()
    log_in(client, "ana@example.org")
    page = Page.get(client, "/audit")
    assert page.status == 200
    assert "project.create" in page.text  # net's
    assert "Other network" not in page.text
    assert "user.create" not in page.text  # accounts are the admins' business
    for slug in ("other", "nope"):  # a filter's wrong value, alike whether it exists
        refused = client.get(f"/audit?project={slug}")
        assert refused.status_code == 422
        assert f"project: no project &#39;{slug}&#39;" in refused.text
        assert "Other network" not in refused.text.split("<main")[1].split("<form")[0]
    client.cookies.clear()
    log_in(client, "root@example.org")
    everything = Page.get(client, "/audit")
    assert "Other network" in everything.text
    assert "user.create" in everything.text
    only_other = Page.get(client, "/audit?project=other")
    assert "Other network" in only_other.text
    assert "member.add" not in only_other.text  # Ana joined net, not other


def test_filters_and_pages(client: TestClient, logged_in: Page, session: Session) -> None:
    project_id = session.exec(select(Project.id).where(Project.slug == "net")).one()
    for number in range(60):
        _event(
            session,
            "round.create",
            project_id=project_id,
            object_type="round",
            object_id=str(number),
        )
    old = datetime.now(UTC) - timedelta(days=10)
    _event(
        session,
        "invitation.revoke",
        project_id=project_id,
        object_type="invitation",
        object_id="7",
        at=old,
    )
    _event(
        session,
        "organisation.add",
        project_id=project_id,
        object_type="organisation",
        object_id="3",
        actor="bo_%@example.org",
    )
    session.commit()
    first = Page.get(client, "/audit?action=round")
    assert _rows(first) == 50
    assert "1 to 50 of 60 events" in first.text
    assert ">round 59<" in first.text.replace("</td>", "<").replace("<td>", ">")  # newest first
    assert 'href="/audit?action=round&amp;offset=50"' in first.text
    assert "Newer events" not in first.text
    second = Page.get(client, "/audit?action=round&offset=50")
    assert _rows(second) == 10
    assert 'href="/audit?action=round"' in second.text  # back to the first page
    assert "Older events" not in second.text
    assert "invitation.revoke" in Page.get(client, "/audit?object_type=invitation").text
    assert "invitation.revoke" not in Page.get(client, "/audit?object_type=invitation&days=5").text
    assert "invitation.revoke" in Page.get(client, "/audit?days=11&action=revoke").text
    # the actor filter takes % and _ literally
    assert _rows(Page.get(client, "/audit?actor=bo_%25")) == 1
    no_match = Page.get(client, "/audit?actor=b%25")
    assert _rows(no_match) == 0
    assert "No events match." in no_match.text


def test_bad_filters_are_refused_alike_on_every_database(
    client: TestClient, logged_in: Page
) -> None:
    for query, message in [
        ("days=abc", "days: &#39;abc&#39; is not allowed here; use a whole number from 1 to 3,650"),
        ("days=0", "days must be between 1 and 3,650"),
        ("days=9223372036854775808", "use a whole number from 1 to 3,650"),
        ("offset=-1", "offset: &#39;-1&#39; is not allowed here; use a whole number from 0 to"),
        ("actor=a%00b", "actor: contains"),
        ("action=" + "x" * 65, "action: "),
    ]:
        answer = client.get(f"/audit?{query}")
        assert answer.status_code == 422, (query, answer.status_code)
        assert message in answer.text, (query, answer.text[-3000:])


def test_an_offset_beyond_the_last_page_is_refused_in_the_pages_language(
    client: TestClient, logged_in: Page
) -> None:
    """Ten digits pass the page's own check; the window check of every list refuses them, and
    a German page says so in German, its number in German notation."""
    query = "/audit?offset=9999999999"
    english = client.get(query, headers={"Accept-Language": "en"})
    assert english.status_code == 422
    assert "offset must be between 0 and 2,147,483,647" in english.text
    german = client.get(query, headers={"Accept-Language": "de"})
    assert german.status_code == 422
    assert "offset muss zwischen 0 und 2.147.483.647 liegen" in german.text
    assert "offset must be" not in german.text


def test_dates_follow_the_page_language_and_hostile_values_are_escaped(
    client: TestClient, logged_in: Page, session: Session
) -> None:
    project_id = session.exec(select(Project.id).where(Project.slug == "net")).one()
    audit.record(
        session,
        "organisation.add",
        actor='<script>alert("a")</script>',
        object_type="organisation",
        object_id="<i>1</i>",
        project_id=project_id,
        name="<img src=x onerror=alert(1)>\r\nforged line",
    )
    session.flush()
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "organisation.add")).one()
    event.at = datetime(2026, 3, 5, 14, 30, tzinfo=UTC)
    session.add(event)
    session.commit()
    english = client.get("/audit?action=organisation.add", headers={"Accept-Language": "en"})
    assert "5 March 2026, 15:30" in english.text  # Berlin
    german = client.get("/audit?action=organisation.add", headers={"Accept-Language": "de"})
    assert "5. März 2026, 15:30" in german.text
    for text in (english.text, german.text):
        assert "<script>alert" not in text
        assert "<img" not in text
        assert "<i>1</i>" not in text
        assert "&lt;img src=x onerror=alert(1)&gt;  forged line" in text


def test_no_trace_of_who_answered_an_anonymous_round(
    client: TestClient,
    logged_in: Page,
    session: Session,
    anonymous: Round,
    organisation: Organisation,
) -> None:
    response = factories.response(session, anonymous, organisation, submitted=True)
    public_id = response.public_id
    project_id = anonymous.project_id
    respondent_data.export(session, public_id)
    # an event written before ids were left out of anonymous rounds' events
    _event(
        session,
        "response.export",
        project_id=project_id,
        object_type="response",
        object_id=public_id,
    )
    session.commit()
    page = Page.get(client, "/audit?object_type=response")
    assert page.text.count("response.export") == 2
    assert public_id not in page.text
    assert "(anonymous)" in page.text
    respondent_data.erase(session, public_id)
    session.commit()
    erased = Page.get(client, "/audit?action=response.erase")
    assert "response.erase" in erased.text
    assert public_id not in erased.text
