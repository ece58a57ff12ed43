"""A round's invitation links in the browser: created one by one or for every partner (and
group) at once, shown once, downloaded as CSV or printed with QR codes, revoked; every bad
value refused with nothing stored, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.db_types import utcnow
from app.models import AuditEvent, Invitation, Organisation, Project, Round
from app.services import invitations, rounds
from app.stakeholder_groups import LABELS
from app.tokens import hash_token
from tests import factories
from tests.web.pages import Page

LINK = re.compile(r"http://testserver/r/([A-Za-z0-9_-]{43})")
HOSTILE = "=cmd|' /C calc'!A0 <script>x</script>\r\nSecond line"


@dataclass(frozen=True)
class Round_:
    """Plain values of the round under test (reading rows again would take SQLite's lock)."""

    id: int
    organisation: int
    url: str


@pytest.fixture
def the_round(session: Session, round_: Round, organisation: Organisation) -> Round_:
    assert round_.id is not None
    assert organisation.id is not None
    made = Round_(round_.id, organisation.id, f"/projects/net/rounds/{round_.id}/invitations")
    session.commit()
    return made


def _create(client: TestClient, the_round: Round_, **fields: str) -> Page:
    page = Page.get(client, the_round.url)
    assert page.status == 200, page.text
    return page.submit({"organisation": str(the_round.organisation), **fields}, the_round.url)


def _stored(reader: Callable[[], Session]) -> list[Invitation]:
    with reader() as session:
        return list(session.exec(select(Invitation).order_by(col(Invitation.id))).all())


def test_a_new_link_is_shown_once_and_stored_only_hashed(
    client: TestClient, logged_in: Page, the_round: Round_, reader: Callable[[], Session]
) -> None:
    page = Page.get(client, the_round.url)
    answer = client.post(
        the_round.url,
        data={**page.hidden(the_round.url), "organisation": str(the_round.organisation)},
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    [token] = LINK.findall(answer.text)
    [stored] = _stored(reader)
    assert stored.token_hash == hash_token(token)
    assert stored.number == 1
    assert token not in Page.get(client, the_round.url).text  # the list never shows it again
    assert "#1" in Page.get(client, the_round.url).text


def test_links_for_every_partner_and_group_numbered_in_the_round(
    client: TestClient,
    logged_in: Page,
    the_round: Round_,
    session: Session,
    project: Project,
    reader: Callable[[], Session],
) -> None:
    factories.organisation(session, project, "Bavaria")
    other_round = factories.round_(session, project, "Follow-up")
    factories.invitation(
        session, other_round, factories.organisation(session, project, "Elsewhere")
    )
    session.commit()
    batch = _create(client, the_round, organisation="all", every_group="yes", kind="multi")
    assert batch.status == 200, batch.text
    partners = 3
    assert len(LINK.findall(batch.text)) == partners * len(LABELS)
    assert f"{partners * len(LABELS)} links were made" in batch.text
    numbers = [i.number for i in _stored(reader) if i.round_id == the_round.id]
    assert sorted(numbers) == list(range(1, partners * len(LABELS) + 1))
    assert {i.stakeholder_group for i in _stored(reader)} >= set(LABELS)
    again = _create(client, the_round)  # the next link of this round, whatever other rounds have
    assert again.status == 200
    assert max(i.number for i in _stored(reader) if i.round_id == the_round.id) == 19


def test_the_batch_downloads_as_csv_with_names_neutralised(
    client: TestClient,
    logged_in: Page,
    the_round: Round_,
    session: Session,
    project: Project,
) -> None:
    assert project.id is not None
    session.add(Organisation(project_id=project.id, name=HOSTILE, country="DE"))
    session.commit()
    batch = _create(client, the_round, organisation="all", group="civil-society")
    assert batch.status == 200
    assert "<script>x</script>" not in batch.text
    assert "&lt;script&gt;x&lt;/script&gt;" in batch.text
    action = f"{the_round.url}/csv"
    answer = client.post(action, data=batch.hidden(action))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["cache-control"] == "no-store"
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(answer.text.lstrip("\ufeff"))))
    assert rows[0] == ["organisation", "group", "link"]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"'" + HOSTILE, "Saxony <b>&</b> Co"}
    assert all(row[1] == "civil-society" for row in rows[1:])
    assert sorted(LINK.findall(answer.text)) == sorted(LINK.findall(batch.text))


def test_the_sheet_has_one_qr_code_per_link_and_no_markup_of_names(
    client: TestClient, logged_in: Page, the_round: Round_, session: Session, project: Project
) -> None:
    factories.organisation(session, project, "<img src=x onerror=alert(1)>")
    session.commit()
    batch = _create(client, the_round, organisation="all")
    action = f"{the_round.url}/sheet"
    sheet = batch.submit({}, action)
    assert sheet.status == 200, sheet.text
    assert len(re.findall(r'<svg [^>]*class="qr"', sheet.text)) == 2
    assert len(set(LINK.findall(sheet.text))) == 2
    assert "<img src=x" not in sheet.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in sheet.text
    for svg in re.findall(r"<svg.*?</svg>", sheet.text, re.S):
        assert set(re.findall(r"<(\w+)", svg)) == {"svg", "path"}  # no text, no script


@pytest.mark.parametrize(
    "tamper",
    [
        lambda tokens, _other: tokens[:-1] + ("A" if tokens[-1] != "A" else "B"),
        lambda tokens, other: f"{tokens} {other}",
        lambda tokens, _other: f"{tokens} <script>",
        lambda _tokens, _other: "",
    ],
    ids=["changed", "other-round", "garbage", "none"],
)
def test_tampered_links_posted_to_the_csv_route_are_refused(
    client: TestClient,
    logged_in: Page,
    the_round: Round_,
    session: Session,
    project: Project,
    organisation: Organisation,
    tamper: Callable[[str, str], str],
) -> None:
    _invitation, other = factories.invitation(
        session, factories.round_(session, project, "Follow-up"), organisation
    )
    session.commit()
    batch = _create(client, the_round)
    posted = batch.hidden(f"{the_round.url}/csv")
    for route in ("csv", "sheet"):
        answer = client.post(
            f"{the_round.url}/{route}", data={**posted, "links": tamper(posted["links"], other)}
        )
        assert answer.status_code == 422, (route, answer.text[:300])
        assert "http://testserver/r/" not in answer.text
        assert not answer.headers["content-type"].startswith("text/csv")


def test_revoking_a_link_is_audited_and_the_link_stops_working(
    client: TestClient, logged_in: Page, the_round: Round_, reader: Callable[[], Session]
) -> None:
    batch = _create(client, the_round)
    [token] = LINK.findall(batch.text)
    listed = Page.get(client, the_round.url)
    done = listed.submit({}, f"{the_round.url}/1/revoke")
    assert done.url == the_round.url
    assert "revoked" in done.text
    assert f"{the_round.url}/1/revoke" not in done.text  # no second revoke button
    opened = client.get(f"/r/{token}")
    assert opened.status_code == 404
    assert "This invitation link is unknown" in opened.text
    with reader() as session:
        actions = session.exec(select(AuditEvent.action, AuditEvent.actor)).all()
    assert ("invitation.revoke", "ana@example.org") in actions
    assert ("invitation.create", "ana@example.org") in actions
    # the posted batch of a revoked link no longer makes a sheet
    refused = client.post(f"{the_round.url}/sheet", data=batch.hidden(f"{the_round.url}/sheet"))
    assert refused.status_code == 422
    assert client.post(f"{the_round.url}/7/revoke", data=listed.hidden()).status_code == 404


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        # the kind IS multi-use: the message says what is wrong, the number
        ({"kind": "multi", "max_uses": "0"}, "use limit: 0 is not allowed here; use a whole"),
        ({"kind": "multi", "max_uses": "-3"}, "use limit: -3 is not allowed here; use a whole"),
        ({"kind": "multi", "max_uses": str(2**63)}, "use limit"),
        ({"kind": "multi", "max_uses": "9" * 5000}, "use limit: a whole number"),
        ({"kind": "multi", "max_uses": "ten"}, "use limit: a whole number"),
        ({"kind": "single", "max_uses": "5"}, "a single-use invitation takes no use limit"),
        ({"expires": "2020-01-31"}, "the last day of the link has passed"),
        ({"expires": "31.01.2099"}, "last day: a date such as 2027-01-31"),
        ({"expires": "9999-01-01"}, "expiry"),
        ({"group": "Civil Society"}, "stakeholder group: use lower-case letters"),
        ({"group": "ngo\x00"}, "stakeholder group: use lower-case letters"),
        ({"organisation": "abc"}, "please choose a partner"),
        ({"label": "x" * 201}, "label"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_stored(
    client: TestClient,
    logged_in: Page,
    the_round: Round_,
    reader: Callable[[], Session],
    fields: dict[str, str],
    message: str,
) -> None:
    refused = _create(client, the_round, **fields)
    assert refused.status == 422, refused.text[:500]
    assert message in refused.text.replace("&#39;", "'"), refused.text[:3000]
    assert _stored(reader) == []
    assert "http://testserver/r/" not in refused.text


def test_every_problem_of_the_form_is_shown_beside_its_field(
    client: TestClient, logged_in: Page, the_round: Round_, reader: Callable[[], Session]
) -> None:
    """Five wrong fields at once: five messages, each beside its field and in the summary,
    every value kept as typed, no link made."""
    typed = {
        "organisation": "abc",
        "group": "Civil Society",
        "kind": "single",
        "max_uses": "many",
        "expires": "31.01.2099",
        "label": "x" * 201,
    }
    refused = _create(client, the_round, **typed)
    assert refused.status == 422, refused.text[:500]
    text = refused.text.replace("&#39;", "'")
    for field, message in [
        ("organisation", "please choose a partner or all partners"),
        ("group", "stakeholder group: use lower-case letters"),
        ("max_uses", "use limit: a whole number such as 25"),
        ("expires", "last day: a date such as 2027-01-31"),
        ("label", "label: 201 characters, at most 200 allowed"),
    ]:
        assert f'id="e-{field}"' in text, field
        assert message in text, message
        assert f'href="#f-{field}"' in text, field  # the summary links to the field
    assert 'value="Civil Society"' in text
    assert 'value="31.01.2099"' in text
    assert 'value="many"' in text
    assert _stored(reader) == []
    assert "http://testserver/r/" not in refused.text
    both = _create(client, the_round, kind="single", max_uses="5", group="ngo", every_group="yes")
    assert both.status == 422
    for message in [
        "a single-use invitation takes no use limit",
        "either type one group or tick",
    ]:
        assert message in both.text, message
    assert 'id="e-max_uses"' in both.text
    assert 'id="e-group"' in both.text
    assert _stored(reader) == []


def test_an_unknown_kind_hides_no_other_problem(
    client: TestClient, logged_in: Page, the_round: Round_, reader: Callable[[], Session]
) -> None:
    """A tampered kind, a use limit of 0, an over-long note and a typed group with "one link
    per group" ticked: four problems in one answer, each beside its field."""
    refused = _create(
        client,
        the_round,
        kind="both",
        max_uses="0",
        label="x" * 201,
        group="ngo",
        every_group="yes",
    )
    assert refused.status == 422
    text = refused.text.replace("&#39;", "'")
    for field, message in [
        ("kind", "kind of link: 'both' is not one of single, multi"),
        ("max_uses", "use limit: 0 is not allowed here"),
        ("label", "label: 201 characters, at most 200 allowed"),
        ("group", "either type one group or tick"),
    ]:
        assert f'id="e-{field}"' in text, field
        assert message in text, message
    assert _stored(reader) == []


def test_yesterday_is_refused_and_today_works_until_midnight(
    client: TestClient, logged_in: Page, the_round: Round_, reader: Callable[[], Session]
) -> None:
    today = utcnow().astimezone().date()
    yesterday = (today - timedelta(days=2)).isoformat()
    assert _create(client, the_round, expires=yesterday).status == 422
    made = _create(client, the_round, expires=(today + timedelta(days=1)).isoformat())
    assert made.status == 200, made.text[:2000]
    [stored] = _stored(reader)
    assert stored.expires_at is not None
    assert stored.expires_at > utcnow()


def test_a_partner_of_another_project_is_a_wrong_choice_and_its_round_not_found(
    client: TestClient,
    logged_in: Page,
    the_round: Round_,
    session: Session,
    reader: Callable[[], Session],
) -> None:
    other = factories.project(session, "other", "Other")
    elsewhere = factories.organisation(session, other, "Elsewhere")
    foreign_round = factories.round_(session, other, "Theirs")
    ids = (elsewhere.id, foreign_round.id)
    session.commit()
    # a tampered choice: the form again, the problem beside the partner field, all kept
    refused = _create(client, the_round, organisation=str(ids[0]), label="Spring mailing")
    assert refused.status == 422, refused.text[:500]
    assert 'id="e-organisation"' in refused.text
    assert "Elsewhere" not in refused.text
    assert 'value="Spring mailing"' in refused.text
    nobody = _create(client, the_round, organisation="999999", label="Spring mailing")
    assert nobody.status == 422  # worded alike: nothing tells another project's id apart
    for page, wrong in ((refused, ids[0]), (nobody, 999999)):
        text = page.text.replace("&#39;", "'")
        assert f"organisation: project 'net' has no organisation {wrong}" in text
    page = Page.get(client, the_round.url)
    answer = client.post(
        f"/projects/net/rounds/{ids[1]}/invitations",
        data={**page.hidden(the_round.url), "organisation": str(the_round.organisation)},
    )
    assert answer.status_code == 404
    assert client.get(f"/projects/net/rounds/{ids[1]}/invitations").status_code == 404
    assert client.get(f"/projects/net/rounds/{ids[1]}/progress").status_code == 404
    assert _stored(reader) == []


def test_the_service_refuses_a_link_into_a_round_of_another_project(session: Session) -> None:
    """Inviting for a round of another project (issue 11's bad input), below the pages too."""
    mine = factories.network(session, organisation_name="Saxony")
    theirs = factories.network(session, organisation_name="Bavaria")
    with pytest.raises(invitations.NotFound):
        invitations.create_invitation(session, theirs.round, mine.organisation)


def test_a_closed_round_gets_no_new_links_and_says_why(
    client: TestClient,
    logged_in: Page,
    the_round: Round_,
    session: Session,
    round_: Round,
    reader: Callable[[], Session],
) -> None:
    page = Page.get(client, the_round.url)
    rounds.close_round(session, round_)
    session.commit()
    refused = page.submit({"organisation": str(the_round.organisation)}, the_round.url)
    assert refused.status == 410
    assert "is closed: no new invitations" in refused.text
    assert _stored(reader) == []


def test_pages_write_the_rounds_own_group_labels(
    client: TestClient, logged_in: Page, session: Session, project: Project
) -> None:
    """A round's own label wins over the name made from its key, on the invitations page, a
    new batch, progress and the dashboard's filter; German where the round has it."""
    labelled = factories.round_(
        session,
        project,
        "Labelled",
        stakeholder_groups=[
            rounds.StakeholderGroup(
                "migrant-groups", {"en": "Migrant organisations", "de": "Migrantenvereine"}
            )
        ],
    )
    partner = factories.organisation(session, project, "Saxony")
    factories.invitation(session, labelled, partner, stakeholder_group="migrant-groups")
    factories.response(  # a group the round's responses name is a dashboard filter
        session, labelled, partner, submitted=True, scored=True, stakeholder_group="migrant-groups"
    )
    base = f"/projects/net/rounds/{labelled.id}"  # read before the commit: no lock kept after
    session.commit()
    listed = Page.get(client, f"{base}/invitations")
    assert "Migrant organisations" in listed.text
    assert "Migrant groups" not in listed.text
    batch = listed.submit(
        {"organisation": "all", "every_group": "yes", "kind": "multi"}, f"{base}/invitations"
    )
    assert batch.status == 200, batch.text
    assert "Migrant organisations" in batch.text
    for page in ("progress", "dashboard"):
        english = client.get(f"{base}/{page}")
        assert english.status_code == 200, english.text
        assert "Migrant organisations" in english.text, page
        assert "Migrant groups" not in english.text, page
    german = client.get(f"{base}/progress", headers={"Accept-Language": "de"})
    assert "Migrantenvereine" in german.text


@pytest.mark.parametrize(
    ("fields", "german"),
    [
        (
            {"kind": "single", "label": "Jane Doe"},
            "Runde 'Baseline' ist anonym: Ein Einmal-Link kann keine Notiz tragen",
        ),
        ({"kind": "single", "expires": "9999-12-31"}, "Ablauf: 9999-12-31 liegt außerhalb der"),
    ],
)
def test_refusals_read_in_the_pages_language(
    client: TestClient,
    logged_in: Page,
    session: Session,
    the_round: Round_,
    fields: dict[str, str],
    german: str,
) -> None:
    """A German page says why in German (the services' messages were English here)."""
    with session.begin_nested():
        rounds.set_anonymous(session, session.get_one(Round, the_round.id), True)
    session.commit()
    client.headers["Accept-Language"] = "de"
    refused = _create(client, the_round, **fields)
    assert refused.status == 422
    assert german in refused.text.replace("&#39;", "'"), refused.text[:3000]
