"""Rounds in the facilitator area as a user meets them: create one with notices and two
stakeholder groups, see it listed, edit it while nobody has answered, extend, close and reopen
it with a reason; every wrong value comes back with a clear message and nothing stored. And
what respondents then read: the notice and group labels in their language, with fallbacks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app import times
from app.errors import InvalidInput
from app.models import AuditEvent, Organisation, Project, Round, User
from app.services import invitations, questionnaires, rounds
from app.settings import Settings
from tests import factories
from tests.web.conftest import log_in
from tests.web.pages import Page

NEW = "/projects/net/rounds/new"
CREATE = "/projects/net/rounds"
NOTICE_EN = "We keep your answers for two years."
NOTICE_DE = "Wir bewahren Ihre Antworten zwei Jahre auf."
Reader = Callable[[], Session]


@pytest.fixture
def published(session: Session) -> None:
    factories.questionnaire(session)  # mini 1.0: languages de and en, default en
    session.commit()


@pytest.fixture
def logged_in(client: TestClient, facilitator: User, published: None) -> TestClient:
    log_in(client, "ana@example.org")
    return client


def _form(**changes: str) -> dict[str, str]:
    data = {
        "version": "mini/1.0",
        "name": "Baseline 2027",
        "opens": "2027-01-10",
        "closes": "2027-01-31",
        "min_group_size": "5",
        "notice_version": "1",
        "notice-en": NOTICE_EN,
        "notice-de": NOTICE_DE,
        "group-0-key": "civil-society",
        "group-0-label-de": "Zivilgesellschaft",
        "group-0-label-en": "Civil society",
        "group-1-key": "city-council",
        "group-1-label-de": "Stadtrat",
        "group-1-label-en": "City council",
    }
    data.update(changes)
    return data


def _create(client: TestClient, **changes: str) -> Page:
    return Page.get(client, NEW).submit(_form(**changes), CREATE)


def _stored(reader: Reader) -> list[Round]:
    with reader() as session:
        return list(session.exec(select(Round)).all())


def test_create_a_round_with_notices_and_two_groups(
    logged_in: TestClient, reader: Reader, settings: Settings
) -> None:
    page = _create(logged_in)
    assert page.status == 200, page.text
    [round_] = _stored(reader)
    assert page.url == f"/projects/net/rounds/{round_.id}"
    assert round_.name == "Baseline 2027"
    assert round_.min_group_size == 5
    assert round_.privacy_notices == {"en": NOTICE_EN, "de": NOTICE_DE}
    assert round_.stakeholder_groups == [
        {"key": "civil-society", "labels": {"de": "Zivilgesellschaft", "en": "Civil society"}},
        {"key": "city-council", "labels": {"de": "Stadtrat", "en": "City council"}},
    ]
    zone = settings.time_zone
    assert round_.opens_at == times.start_of_day(date(2027, 1, 10), zone)
    assert round_.closes_at == times.end_of_day(date(2027, 1, 31), zone)
    listed = Page.get(logged_in, "/projects/net/rounds")
    assert "Baseline 2027" in listed.text
    assert "mini 1.0" in listed.text
    assert "scheduled" in listed.text
    assert "31 January 2027" in listed.text
    # the edit form shows what was stored, days as typed
    assert 'value="2027-01-31"' in page.text
    assert "Stadtrat" in page.text


def test_the_new_round_form_offers_published_versions_and_the_projects_group_size(
    logged_in: TestClient, session: Session
) -> None:
    page = Page.get(logged_in, NEW)
    assert '<option value="mini/1.0"' in page.text
    assert 'name="min_group_size" type="text" value="2"' in page.text  # the project's
    assert 'name="notice-de"' in page.text
    assert 'name="notice-en"' in page.text


BAD = [
    (
        {"opens": "2027-02-01", "closes": "2027-01-31"},
        422,
        "a round must close after it opens",
    ),
    ({"opens": "31.01.2027"}, 422, "opening day: &#39;31.01.2027&#39; is not a date"),
    ({"closes": "3001-01-01"}, 422, "closing day: 3001-01-01 is outside the years"),
    ({"closes": "9999-12-31"}, 422, "closing day: 9999-12-31 is outside the years"),
    (
        {"notice-fr": "Nous gardons vos réponses."},
        422,
        "privacy notice: &#39;fr&#39; is not a language of this questionnaire (de, en)",
    ),
    (
        {"group-0-label-fr": "Société civile"},
        422,
        "stakeholder group &#39;civil-society&#39;: &#39;fr&#39; is not a language",
    ),
    ({"notice-en": "a\x00b"}, 422, "privacy notice (en): contains the control character U+0000"),
    (
        {"notice-de": "x" * 20_001},
        422,
        "privacy notice (de): 20,001 characters, at most 20,000 allowed",
    ),
    (
        {"group-0-label-en": "Civil\x07society"},
        422,
        "label (en): contains the control character U+0007",
    ),
    ({"group-0-label-en": "Civil\nsociety"}, 422, "line breaks and tabs are not allowed here"),
    ({"group-1-label-de": "x" * 201}, 422, "label (de): 201 characters, at most 200 allowed"),
    (
        {"group-1-key": "civil-society"},
        422,
        "stakeholder group &#39;civil-society&#39; is given twice",
    ),
    ({"group-1-key": "City Council"}, 422, "use lower-case letters, digits and hyphens"),
    ({"group-1-key": "city_council"}, 422, "use lower-case letters, digits and hyphens"),
    ({"group-1-key": ""}, 422, "a label was given without a key"),
    (
        {"min_group_size": "0"},
        422,
        "minimum group size: 0 is not allowed here; use a whole number from 1",
    ),
    ({"min_group_size": "two"}, 422, "minimum group size: &#39;two&#39; is not allowed here"),
    ({"name": " "}, 422, "round name: must not be empty"),
    ({"name": "x" * 201}, 422, "round name: 201 characters, at most 200 allowed"),
    ({"version": "mini/9.9"}, 422, "no version &#39;9.9&#39; of questionnaire &#39;mini&#39;"),
    ({"version": ""}, 422, "questionnaire: please choose a published version"),
]


@pytest.mark.parametrize(("changes", "status", "message"), BAD)
def test_a_wrong_value_is_refused_with_the_form_kept_and_nothing_stored(
    logged_in: TestClient, reader: Reader, changes: dict[str, str], status: int, message: str
) -> None:
    page = _create(logged_in, **changes)
    assert page.status == status, page.text
    assert "Nothing was saved" in page.text
    assert message in page.text, page.text[:3000]
    assert 'value="Baseline 2027"' in page.text or "name" in changes  # typed values kept
    assert _stored(reader) == []


@pytest.mark.parametrize(
    ("changes", "german"),
    [
        (
            {"closes": "9999-12-31"},
            "letzter Tag: 9999-12-31 liegt außerhalb der Jahre 2000 bis 2999",
        ),
        (
            {"opens": "31.01.2027"},
            "erster Tag: &#39;31.01.2027&#39; ist kein Datum wie 2027-01-31",
        ),
        ({"min_group_size": "two"}, "Mindestgruppengröße: &#39;two&#39; ist hier nicht möglich"),
        (
            {"min_group_size": "0"},
            "Mindestgruppengröße: 0 ist hier nicht möglich; bitte eine ganze Zahl von 1 bis",
        ),
    ],
)
def test_a_wrong_value_is_refused_in_the_pages_language(
    logged_in: TestClient, changes: dict[str, str], german: str
) -> None:
    """Dates, years and numbers of the round form read in German on a German page."""
    logged_in.headers["Accept-Language"] = "de"
    page = _create(logged_in, **changes)
    assert page.status == 422
    assert german in page.text, page.text[:3000]


def test_a_retired_version_gets_no_new_round(
    logged_in: TestClient, session: Session, reader: Reader
) -> None:
    questionnaires.retire(session, "mini", "1.0")
    session.commit()
    offered = Page.get(logged_in, NEW)
    assert 'value="mini/1.0"' not in offered.text  # not offered ...
    csrf = offered.hidden("/logout")["csrf_token"]
    page = logged_in.post(CREATE, data={**_form(), "csrf_token": csrf})  # ... nor taken
    assert page.status_code == 422  # a wrong value of the questionnaire field
    assert 'id="e-version"' in page.text
    assert "questionnaire: questionnaire mini 1.0 is retired: no new rounds" in page.text
    assert _stored(reader) == []


def test_a_name_taken_in_the_project_is_refused(logged_in: TestClient, reader: Reader) -> None:
    _create(logged_in)
    page = _create(logged_in)
    assert page.status == 409
    assert "already has a round" in page.text
    assert len(_stored(reader)) == 1


def _round_page(client: TestClient, reader: Reader) -> tuple[Page, Round]:
    _create(client)
    [round_] = _stored(reader)
    return Page.get(client, f"/projects/net/rounds/{round_.id}"), round_


def test_edit_everything_while_nobody_has_answered(logged_in: TestClient, reader: Reader) -> None:
    page, round_ = _round_page(logged_in, reader)
    action = f"/projects/net/rounds/{round_.id}"
    saved = page.submit(
        _form(
            name="Baseline 2027 (pilot)",
            anonymous="yes",
            min_group_size="",
            **{"notice-de": "", "group-1-key": "", "group-1-label-de": "", "group-1-label-en": ""},
        ),
        action,
    )
    assert saved.status == 200, saved.text
    [changed] = _stored(reader)
    assert changed.name == "Baseline 2027 (pilot)"
    assert changed.anonymous
    assert changed.min_group_size is None  # the project's again
    assert changed.privacy_notices == {"en": NOTICE_EN}
    assert [group["key"] for group in changed.stakeholder_groups] == ["civil-society"]


def test_settings_cannot_change_once_someone_answered(
    logged_in: TestClient, reader: Reader, session: Session, organisation: Organisation
) -> None:
    page, round_ = _round_page(logged_in, reader)
    factories.response(session, round_, organisation)  # a draft is an answer already
    session.commit()
    action = f"/projects/net/rounds/{round_.id}"
    refused = page.submit(_form(name="Renamed"), action)
    assert refused.status == 409
    assert "has 1 response(s): its settings can no longer change" in refused.text
    assert "can no longer change; only the closing day can" in refused.text  # no edit form
    assert "civil-society (Zivilgesellschaft / Civil society)" in refused.text  # but a summary
    assert f'action="{action}"' not in refused.text
    assert _stored(reader)[0].name == "Baseline 2027"


def test_a_round_with_responses_cannot_become_named(
    logged_in: TestClient, reader: Reader, session: Session, organisation: Organisation
) -> None:
    page, round_ = _round_page(logged_in, reader)
    page.submit(_form(anonymous="yes"), f"/projects/net/rounds/{round_.id}")
    factories.response(session, _stored(reader)[0], organisation)
    session.commit()
    refused = page.submit(_form(), f"/projects/net/rounds/{round_.id}")  # anonymous unticked
    assert refused.status == 409
    assert _stored(reader)[0].anonymous


def _open_round(client: TestClient, reader: Reader) -> tuple[Page, Round]:
    """A round that is open now (opened yesterday in 2026, closes in 2027)."""
    _create(client, opens="2026-01-01", closes="2027-06-30")
    [round_] = _stored(reader)
    return Page.get(client, f"/projects/net/rounds/{round_.id}"), round_


def test_extend_close_and_reopen_with_a_reason(
    logged_in: TestClient, reader: Reader, settings: Settings
) -> None:
    page, round_ = _open_round(logged_in, reader)
    base = f"/projects/net/rounds/{round_.id}"
    assert "State: open" in page.text
    earlier = page.submit({"closes": "2027-03-01"}, f"{base}/extend")
    assert earlier.status == 422
    assert "the new closing day must be later than the current one" in earlier.text
    extended = page.submit({"closes": "2027-12-31"}, f"{base}/extend")
    assert extended.status == 200
    assert _stored(reader)[0].closes_at == times.end_of_day(date(2027, 12, 31), settings.time_zone)
    closed = extended.submit({}, f"{base}/close")
    assert "State: closed" in closed.text
    assert _stored(reader)[0].closed_at is not None
    no_reason = closed.submit({"reason": "  "}, f"{base}/reopen")
    assert no_reason.status == 422
    assert "reason: must not be empty" in no_reason.text
    both = closed.submit({"reason": "  ", "closes": "2020-01-01"}, f"{base}/reopen")
    assert both.status == 422  # every problem at once, each beside its field
    assert "reason: must not be empty" in both.text
    assert 'id="e-closes"' in both.text
    assert 'id="e-reason"' in both.text
    assert _stored(reader)[0].closed_at is not None
    reopened = closed.submit({"reason": "Two partners asked for more time"}, f"{base}/reopen")
    assert "State: open" in reopened.text
    assert _stored(reader)[0].closed_at is None
    with reader() as session:
        events = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    actions = [event.action for event in events]
    assert actions[-3:] == ["round.extend", "round.close", "round.reopen"]
    assert events[-1].detail["reason"] == "Two partners asked for more time"
    assert events[-1].actor == "ana@example.org"


def test_a_closed_round_is_reopened_not_extended(logged_in: TestClient, reader: Reader) -> None:
    page, round_ = _open_round(logged_in, reader)
    base = f"/projects/net/rounds/{round_.id}"
    page.submit({}, f"{base}/close")
    refused = logged_in.post(
        f"{base}/extend",
        data={
            "csrf_token": page.csrf,
            "revision": _revision(page, base) + 1,
            "closes": "2028-01-31",
        },
    )
    assert refused.status_code == 409
    assert "is closed: reopen it, with a reason" in refused.text


def test_a_round_of_another_project_is_not_found(
    logged_in: TestClient, session: Session, reader: Reader
) -> None:
    other = factories.project(session, "other", "Other network")
    foreign = factories.round_(session, other, "Theirs").id  # a plain value: no lock kept
    session.commit()
    page = Page.get(logged_in, NEW)
    assert logged_in.get(f"/projects/net/rounds/{foreign}").status_code == 404
    for action in ("", "/extend", "/close", "/reopen"):
        answer = logged_in.post(
            f"/projects/net/rounds/{foreign}{action}",
            data={**_form(), "csrf_token": page.csrf, "reason": "x", "closes": "2028-01-01"},
        )
        assert answer.status_code == 404, action
    with reader() as check:
        theirs = check.exec(select(Round).where(Round.name == "Theirs")).one()
        assert theirs.closed_at is None


# --- what respondents read -------------------------------------------------------------------


@pytest.fixture
def respondent_round(session: Session, project: Project) -> Round:
    round_ = factories.round_(
        session,
        project,
        "Languages",
        privacy_notices={"en": NOTICE_EN},
        stakeholder_groups=[
            rounds.StakeholderGroup("city-council", {"de": "Stadtrat", "en": "City council"}),
            rounds.StakeholderGroup("neighbours", {"en": "Neighbours' association"}),
        ],
    )
    session.commit()
    return round_


def _link(session: Session, round_: Round, organisation: Organisation, group: str) -> str:
    _invitation, token = factories.invitation(
        session, round_, organisation, stakeholder_group=group
    )
    session.commit()
    return token


def test_the_notice_in_the_page_language_or_the_default_one_saying_so(
    client: TestClient, session: Session, respondent_round: Round, organisation: Organisation
) -> None:
    token = _link(session, respondent_round, organisation, "city-council")
    english = Page.get(client, f"/r/{token}?lang=en").text
    assert NOTICE_EN in english
    assert "not available in your language" not in english
    assert "Group: City council" in english
    german = Page.get(client, f"/r/{token}?lang=de").text
    assert NOTICE_EN in german  # the default language's notice ...
    assert (
        "Dieser Hinweis liegt nicht in Ihrer Sprache vor; er wird auf Englisch gezeigt." in german
    )
    assert 'lang="en">We keep' in german  # ... marked as English
    assert "Gruppe: Stadtrat" in german


@pytest.mark.parametrize(
    ("group", "label"),
    [
        ("civil-society", "Gruppe: Zivilgesellschaft"),  # no German label: the catalogue's
        ("neighbours", "Gruppe: Neighbours&#39; association"),  # only in the default language
    ],
)
def test_group_labels_fall_back(
    client: TestClient,
    session: Session,
    respondent_round: Round,
    organisation: Organisation,
    group: str,
    label: str,
) -> None:
    respondent_round.stakeholder_groups = [
        *respondent_round.stakeholder_groups,
        {"key": "civil-society", "labels": {"en": "Civic groups"}},
    ]
    session.add(respondent_round)
    token = _link(session, respondent_round, organisation, group)
    assert label in Page.get(client, f"/r/{token}?lang=de").text


def test_an_invitation_names_one_of_the_rounds_groups(
    session: Session, respondent_round: Round, organisation: Organisation
) -> None:
    with pytest.raises(InvalidInput, match=r"city-council, neighbours"):
        invitations.create_invitation(
            session, respondent_round, organisation, stakeholder_group="civil-society"
        )


def test_a_round_with_its_own_notice_in_every_language(
    client: TestClient, session: Session, project: Project, organisation: Organisation
) -> None:
    round_ = factories.round_(
        session, project, "Both", privacy_notices={"en": NOTICE_EN, "de": NOTICE_DE}
    )
    token = _link(session, round_, organisation, "")
    german = Page.get(client, f"/r/{token}?lang=de").text
    assert NOTICE_DE in german
    assert NOTICE_EN not in german


def _revision(page: Page, base: str) -> int:
    """The round revision a round page's forms carry."""
    return int(page.hidden(f"{base}/extend")["revision"])


def test_two_tabs_editing_one_round_lose_no_edit(logged_in: TestClient, reader: Reader) -> None:
    first, round_ = _round_page(logged_in, reader)
    second = Page.get(logged_in, first.url)
    action = f"/projects/net/rounds/{round_.id}"
    assert second.submit(_form(name="Saved in tab two"), action).status == 200
    stale = first.submit(_form(name="Typed in tab one", min_group_size="7"), action)
    assert stale.status == 409
    assert "Someone else changed this round since this page was loaded" in stale.text
    assert "The round as it is now" in stale.text
    assert "<dd>Saved in tab two</dd>" in stale.text  # the current values ...
    assert 'value="Typed in tab one"' in stale.text  # ... and what was typed, kept
    assert 'value="7"' in stale.text
    assert _stored(reader)[0].name == "Saved in tab two"
    again = stale.submit(_form(name="Typed in tab one"), action)  # a deliberate second save
    assert again.status == 200, again.text
    assert _stored(reader)[0].name == "Typed in tab one"


def test_a_revision_no_page_wrote_is_refused_naming_the_field(
    logged_in: TestClient, reader: Reader
) -> None:
    """Letters or 20 digits in the hidden revision: 422 naming the field, the typed values
    kept, nothing saved (a missing one still counts as stale, 409)."""
    page, round_ = _round_page(logged_in, reader)
    action = f"/projects/net/rounds/{round_.id}"
    for revision in ("abc", "9" * 20):
        refused = page.submit(_form(name="Typed", revision=revision), action)
        assert refused.status == 422, refused.text[:500]
        assert "hidden field revision holds" in refused.text
        assert 'value="Typed"' in refused.text
        closing = page.submit({"revision": revision}, f"{action}/close")
        assert closing.status == 422
    missing = page.submit(_form(name="Typed", revision=""), action)
    assert missing.status == 409
    assert _stored(reader)[0].name != "Typed"
    assert _stored(reader)[0].closed_at is None


def test_extend_close_and_reopen_count_as_changes(logged_in: TestClient, reader: Reader) -> None:
    page, round_ = _open_round(logged_in, reader)
    base = f"/projects/net/rounds/{round_.id}"
    before = _stored(reader)[0].revision
    extended = page.submit({"closes": "2027-12-31"}, f"{base}/extend")
    assert _stored(reader)[0].revision == before + 1
    stale_close = page.submit({}, f"{base}/close")  # loaded before the extension
    assert stale_close.status == 409
    assert "Someone else changed this round" in stale_close.text
    assert _stored(reader)[0].closed_at is None
    stale_settings = page.submit(_form(name="Old tab"), base)
    assert stale_settings.status == 409
    assert _stored(reader)[0].name == "Baseline 2027"
    closed = extended.submit({}, f"{base}/close")
    assert "State: closed" in closed.text
    posted = logged_in.post(
        f"{base}/reopen",
        data={
            "csrf_token": page.csrf,
            "revision": str(_revision(extended, base)),  # from before the close
            "reason": "late partner",
            "closes": "2028-01-31",
        },
    )
    stale_reopen = Page(logged_in, base, posted.status_code, posted.text)
    assert stale_reopen.status == 409
    assert 'value="late partner"' in stale_reopen.text  # the reason typed is kept
    reopened = stale_reopen.submit({"reason": "late partner"}, f"{base}/reopen")
    assert "State: open" in reopened.text
    assert _stored(reader)[0].revision == before + 3


def test_every_problem_of_the_form_is_shown_beside_its_field(
    logged_in: TestClient, reader: Reader
) -> None:
    page = _create(
        logged_in, name=" ", opens="soon", closes="2027-13-01", min_group_size="2147483648"
    )
    assert page.status == 422
    for field, message in [
        ("name", "round name: must not be empty"),
        ("opens", "opening day: &#39;soon&#39; is not a date such as 2027-01-31"),
        ("closes", "closing day: &#39;2027-13-01&#39; is not a date"),
        (
            "min_group_size",
            "minimum group size: 2147483648 is not allowed here; "
            "use a whole number from 1 to 2,147,483,647",
        ),
    ]:
        assert f'id="e-{field}"' in page.text, field
        assert message in page.text, message
    assert 'value="2147483648"' in page.text
    largest = _create(logged_in, min_group_size="2147483647")
    assert largest.status == 200, largest.text
    assert _stored(reader)[0].min_group_size == 2147483647


def test_version_and_group_keys_are_reported_with_the_other_problems(
    logged_in: TestClient, reader: Reader
) -> None:
    """The questionnaire version and the group keys are checked together with the fields:
    every problem beside its field at once, what was typed kept."""
    page = _create(
        logged_in,
        version="mini/9.9",
        name=" ",
        opens="soon",
        **{"group-0-key": "Civil Society", "group-1-key": "civil-society"},
    )
    assert page.status == 422
    for field, message in [
        ("version", "questionnaire: no version &#39;9.9&#39; of questionnaire &#39;mini&#39;"),
        ("name", "round name: must not be empty"),
        ("opens", "opening day: &#39;soon&#39; is not a date such as 2027-01-31"),
        ("groups", "stakeholder group key &#39;Civil Society&#39;: use lower-case letters"),
    ]:
        assert f'id="e-{field}"' in page.text, field
        assert message in page.text, message
    assert 'value="Civil Society"' in page.text
    assert '<option value="mini/9.9" selected>' in page.text  # the refused choice, as typed
    twice = _create(logged_in, opens="soon", **{"group-0-key": "ngo", "group-1-key": "ngo"})
    assert twice.status == 422
    assert "stakeholder group &#39;ngo&#39; is given twice" in twice.text
    assert 'id="e-opens"' in twice.text
    assert 'id="e-groups"' in twice.text
    assert _stored(reader) == []


def test_a_past_closing_day_a_bad_label_and_a_long_notice_come_back_together(
    logged_in: TestClient, reader: Reader
) -> None:
    """What once came one save at a time (the closing day, a group label, a notice): all at
    once, each beside its field, the typed texts kept."""
    page = _create(
        logged_in,
        opens="2020-01-01",
        closes="2020-01-31",
        **{"group-0-label-en": "Civil\x00society", "notice-de": "x" * 20_001},
    )
    assert page.status == 422
    for field, message in [
        ("closes", "closing day must lie in the future"),
        ("groups", "label (en): contains the control character U+0000"),
        ("notice-de", "20,001 characters, at most 20,000 allowed"),
    ]:
        assert f'id="e-{field}"' in page.text, field
        assert message in page.text, message
    assert 'aria-invalid="true">' + "x" * 100 in page.text  # the notice as typed
    assert _stored(reader) == []


def test_a_closing_day_in_the_past_is_refused(logged_in: TestClient, reader: Reader) -> None:
    page = _create(logged_in, opens="2020-01-01", closes="2020-01-31")
    assert page.status == 422
    assert "closing day must lie in the future" in page.text
    assert _stored(reader) == []


def test_the_cli_and_the_page_show_the_same_closing_day(
    logged_in: TestClient, reader: Reader, radar: Callable[..., Any], settings: Settings
) -> None:
    """Days typed on the command line are days in the service's time zone, as on pages
    (Berlin here: a UTC day would end at 02:00 on 1 August and show as 1 August)."""
    assert settings.time_zone == "Europe/Berlin"
    made = radar(
        "rounds",
        "create",
        "net",
        "Summer",
        "--questionnaire",
        "mini",
        "--version",
        "1.0",
        "--closes",
        "2027-07-31",
    )
    assert made.exit_code == 0, made.output
    assert radar("rounds", "list", "net").stdout == "Summer\t1.0\topen\tcloses 2027-07-31\n"
    [round_] = _stored(reader)
    page = Page.get(logged_in, f"/projects/net/rounds/{round_.id}")
    assert "Answers are accepted until the end of 31 July 2027." in page.text
    assert 'name="closes" type="date" value="2027-07-31"' in page.text
    extended = radar("rounds", "extend", "net", "Summer", "--closes", "2027-08-31")
    assert extended.stdout == "round 'Summer' now accepts answers until the end of 2027-08-31\n"
    assert "until the end of 31 August 2027" in Page.get(logged_in, page.url).text


def test_a_long_group_label_is_named_with_the_other_problems(
    logged_in: TestClient, reader: Reader
) -> None:
    page = _create(logged_in, name=" ", min_group_size="0", **{"group-0-label-en": "x" * 250})
    assert page.status == 422
    text = unescape(page.text)
    assert "round name: must not be empty" in text
    assert "minimum group size: 0 is not allowed here" in text
    assert "250 characters, at most 200 allowed" in text  # in the same pass
    assert _stored(reader) == []


@pytest.mark.parametrize("typed", ["NaN", "1e3", "v\x071", "x" * 40])
def test_a_notice_version_that_is_no_short_label_is_refused(
    logged_in: TestClient, reader: Reader, typed: str
) -> None:
    page = _create(logged_in, notice_version=typed)
    assert page.status == 422
    assert 'id="e-notice_version"' in page.text
    assert _stored(reader) == []


@pytest.mark.parametrize("typed", ["1", "2.1", "2027-03", "v2 DE"])
def test_usual_notice_versions_are_kept(logged_in: TestClient, reader: Reader, typed: str) -> None:
    page = _create(logged_in, notice_version=typed)
    assert page.status in (200, 303), page.text[-2000:]
    assert [round_.notice_version for round_ in _stored(reader)] == [typed]
