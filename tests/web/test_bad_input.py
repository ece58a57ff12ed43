"""Bad input: values off the scale, CSRF, markup in comments, huge bodies, double submits,
answers after the round closed, stale tabs."""

from __future__ import annotations

from collections.abc import Callable
from html import unescape
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Response, ResponseStatus, Round
from app.services import rounds
from tests.web.pages import Page

FORM = {"Content-Type": "application/x-www-form-urlencoded"}

Reader = Callable[[], Session]


def _stored(reader: Reader) -> Response:
    with reader() as session:
        return session.exec(select(Response)).one()


def test_value_not_on_the_scale(client: TestClient, started: Page, reader: Reader) -> None:
    started.submit({"leadership.mandate": "1"})
    page = Page.get(client, "/respond/step/1")
    before = _stored(reader)
    bad = page.submit(
        {"leadership.mandate": "7", "leadership.has_budget": "no", "comment": "Typed here"}
    )
    assert bad.status == 422
    assert "There is a problem" in bad.text
    assert "Mandate?" in bad.text  # the item is named
    assert "0 (not at all); 1 (hardly); 2 (partly); 3 (largely); 4 (fully); na (don" in bad.text
    assert 'href="#q-leadership--mandate"' in bad.text
    stored = _stored(reader)  # nothing of a refused page is saved ...
    assert (stored.answers, stored.comments) == ({"leadership.mandate": 1}, {})
    assert (stored.revision, stored.current_step) == (before.revision, before.current_step)
    assert 'value="no" checked' in bad.text  # ... and everything typed is shown again
    assert ">Typed here</textarea>" in bad.text
    fixed = Page(client, bad.url, bad.status, bad.text).submit(
        {"leadership.mandate": "4", "leadership.has_budget": "no", "comment": "Typed here"}
    )  # as the browser posts the page shown again: its revision is still the current one
    assert fixed.url == "/respond/step/2"
    assert _stored(reader).answers == {"leadership.mandate": 4, "leadership.has_budget": "no"}
    assert _stored(reader).comments == {"leadership": "Typed here"}


def test_wrong_types_are_refused_per_field(
    client: TestClient, started: Page, reader: Reader
) -> None:
    bad = started.submit({"leadership.has_budget": "maybe", "leadership.mandate": "2"})
    assert bad.status == 422
    assert "Budget?" in bad.text
    assert _stored(reader).answers == {}  # the page is refused whole, the 2 shown again
    assert 'value="2" checked' in bad.text


def test_missing_or_wrong_csrf_token(client: TestClient, started: Page, reader: Reader) -> None:
    fields = started.hidden()
    for token in (None, "wrong", ""):
        data = {"revision": fields["revision"], "leadership.mandate": "3"}
        if token is not None:
            data["csrf_token"] = token
        response = client.post("/respond/step/1", data=data)
        assert response.status_code == 403
        assert "did not come from this website" in response.text
    assert _stored(reader).answers == {}
    autosave = client.post(
        "/respond/step/1/autosave",
        data={"revision": fields["revision"], "leadership.mandate": "3"},
        headers={"X-CSRF-Token": "wrong"},
    )
    assert autosave.status_code == 403


def test_script_in_a_comment_is_text_everywhere(
    client: TestClient, started: Page, reader: Reader
) -> None:
    script = "<script>alert('x')</script> & =HYPERLINK(\"http://evil\")"
    page = started.submit({"comment": script, "leadership.mandate": "3"})
    assert page.status == 200
    step1 = Page.get(client, "/respond/step/1")
    assert "<script>alert" not in step1.text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in step1.text
    review = Page.get(client, "/respond/review")
    assert "<script>alert" not in review.text
    assert "&lt;script&gt;" in review.text
    assert _stored(reader).comments["leadership"] == script


def test_a_body_of_ten_megabytes_is_refused_before_parsing(
    client: TestClient, started: Page, reader: Reader
) -> None:
    body = b"comment=" + b"x" * (10 * 1024 * 1024)
    response = client.post(
        "/respond/step/1",
        content=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert _stored(reader).comments == {}


def test_stale_tab_gets_a_conflict_and_nothing_is_overwritten(
    client: TestClient, started: Page, reader: Reader
) -> None:
    tab_a = Page.get(client, "/respond/step/1")
    tab_b = Page.get(client, "/respond/step/1")
    assert tab_a.submit({"leadership.mandate": "4"}).url == "/respond/step/2"
    stale = tab_b.submit({"leadership.mandate": "0", "comment": "from B"})
    assert stale.status == 409
    assert "changed in another window" in stale.text
    assert 'href="/respond/step/1"' in stale.text  # the reload link
    assert "What you sent" in stale.text  # what was typed, listed to copy after reloading
    assert '<dd class="comment-text">from B</dd>' in stale.text
    assert tab_b.csrf not in stale.text  # only what was typed, never the form's token
    stored = _stored(reader)
    assert stored.answers == {"leadership.mandate": 4}
    assert stored.comments == {}


@pytest.mark.parametrize("revision", ["abc", "-1", "9" * 20, "2147483648"])
def test_a_revision_no_page_wrote_is_refused_naming_the_field(
    client: TestClient, started: Page, reader: Reader, revision: str
) -> None:
    """A garbled hidden revision is no stale tab (409) but a wrong value of that field."""
    fields = started.hidden()
    posted = client.post(
        "/respond/step/1", data={**fields, "revision": revision, "leadership.mandate": "4"}
    )
    assert posted.status_code == 422
    assert "hidden field revision holds" in posted.text
    autosave = client.post(
        "/respond/step/1/autosave",
        data={**fields, "revision": revision, "leadership.mandate": "4"},
        headers={"X-CSRF-Token": fields["csrf_token"]},
    )
    assert autosave.status_code == 422
    assert autosave.json()["field"] == "revision"
    assert _stored(reader).answers == {}


def test_stale_autosave_gets_a_json_conflict(
    client: TestClient, started: Page, reader: Reader
) -> None:
    fields = started.hidden()
    first = client.post(
        "/respond/step/1/autosave",
        data={**fields, "leadership.mandate": "2"},
        headers={"X-CSRF-Token": fields["csrf_token"]},
    )
    assert first.status_code == 200
    assert first.json()["revision"] == int(fields["revision"]) + 1
    assert first.json()["answered"] == 1
    second = client.post(
        "/respond/step/1/autosave",
        data={**fields, "leadership.mandate": "3"},
        headers={"Accept": "application/json"},  # as the page's script asks
    )
    assert second.status_code == 409
    assert second.headers["content-type"] == "application/problem+json"
    assert second.json()["type"] == "/problems/stale-revision"
    assert second.json()["current_revision"] == int(fields["revision"]) + 1
    assert _stored(reader).answers == {"leadership.mandate": 2}


def test_answering_after_the_round_closed(
    client: TestClient, started: Page, reader: Reader, session: Session, round_: Round
) -> None:
    page = started.submit({"leadership.mandate": "3"})
    rounds.close_round(session, round_)
    session.commit()
    refused = page.submit({"services.training": "2"})
    assert refused.status == 410
    assert "The answers you saved before are kept." in refused.text
    review = Page.get(client, "/respond/review")
    assert review.status == 200
    assert "This round is closed" in review.text
    submit = client.post(
        "/respond/submit",
        data={
            "csrf_token": started.csrf,
            "revision": str(_stored(reader).revision),
            "confirm": "yes",
        },
    )
    assert submit.status_code == 410
    stored = _stored(reader)
    assert stored.answers == {"leadership.mandate": 3}
    assert stored.status == ResponseStatus.DRAFT


def test_submitting_twice_shows_the_result(
    client: TestClient, started: Page, reader: Reader
) -> None:
    page = started.submit({"leadership.mandate": "3", "leadership.has_budget": "no"})
    review = page.submit({"services.training": "2"})
    fields = review.hidden("/respond/submit")
    first = client.post("/respond/submit", data={**fields, "confirm": "yes"})
    assert first.url.path == "/respond/result"
    submitted_at = _stored(reader).submitted_at
    second = client.post("/respond/submit", data={**fields, "confirm": "yes"})
    assert second.status_code == 200
    assert second.url.path == "/respond/result"
    assert _stored(reader).submitted_at == submitted_at
    late = client.post("/respond/step/1", data={**fields, "leadership.mandate": "0"})
    assert late.url.path == "/respond/result"
    assert _stored(reader).answers["leadership.mandate"] == 3


def test_autosave_answers_problems_in_json(
    client: TestClient, started: Page, reader: Reader, session: Session, round_: Round
) -> None:
    fields = started.hidden()
    headers = {"X-CSRF-Token": fields["csrf_token"], "Accept": "application/json"}
    bad = client.post(
        "/respond/step/1/autosave",
        data={**fields, "leadership.mandate": "7", "leadership.has_budget": "no"},
        headers=headers,
    )
    assert bad.status_code == 422
    assert bad.json()["status"] == "invalid"
    assert bad.json()["message"].startswith("Mandate?: Please choose from the offered answers")
    assert _stored(reader).answers == {"leadership.has_budget": "no"}
    rounds.close_round(session, round_)
    session.commit()
    closed = client.post(
        "/respond/step/1/autosave",
        data={**fields, "revision": str(bad.json()["revision"]), "leadership.mandate": "1"},
        headers=headers,
    )
    assert closed.status_code == 410
    assert closed.headers["content-type"] == "application/problem+json"
    assert closed.json()["type"] == "/problems/round-closed"
    assert closed.json()["detail"] == (
        "This round is closed, so answers can no longer be changed or submitted. "
        "The answers you saved before are kept."
    )


def test_a_field_that_is_not_utf8_is_refused_by_name_with_what_was_sent_listed(
    client: TestClient, started: Page, reader: Reader, logged_in: Page
) -> None:
    """Every page form reads its body strictly: bytes that are not UTF-8 are refused naming
    the field, never stored as U+FFFD; the error page lists what was sent."""
    started.submit({"leadership.mandate": "1"})
    page = Page.get(client, "/respond/step/1")
    fields = {**page.hidden(), "leadership.mandate": "2"}
    body = urlencode(fields).encode() + b"&leadership.note=Gr%FC%DFe"  # Latin-1, not UTF-8
    answer = client.post(
        page.url,
        content=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 422
    assert "The field &#39;leadership.note&#39; holds characters that are not valid UTF-8" in (
        answer.text
    )
    assert "What you sent" in answer.text
    assert "\ufffd" not in str(_stored(reader).answers)
    assert _stored(reader).answers["leadership.mandate"] == 1  # nothing of the post saved
    project = Page.get(client, "/projects/net")
    german = client.post(
        "/projects/net/organisations",
        content=urlencode(project.hidden("/projects/net/organisations")).encode()
        + b"&name=K%F6ln&country=DE",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept-Language": "de",
        },
    )
    assert german.status_code == 422
    assert "Das Feld &#39;name&#39; enthält Zeichen, die kein gültiger UTF-8-Text sind" in (
        german.text
    )


@pytest.mark.parametrize(
    ("extra", "field", "said"),
    [
        (
            [("leadership.mandate", "4")],
            "leadership.mandate",
            "The form holds the field 'leadership.mandate' more than once",
        ),
        ([("action", "explode")], "action", "The form asks for 'explode', which none of"),
        ([("leadership.extra", "1")], "leadership.extra", "a field 'leadership.extra' that"),
        ([("services.training", "1")], "services.training", "that this page does not have"),
    ],
)
def test_a_form_this_page_could_not_have_posted_is_refused_naming_the_field(
    client: TestClient,
    started: Page,
    reader: Reader,
    extra: list[tuple[str, str]],
    field: str,
    said: str,
) -> None:
    """Duplicate single answers, an unknown action, a field of no item of the page (or of
    another page): 422 naming it, nothing saved, what was typed listed."""
    posted = [
        *started.hidden().items(),
        ("leadership.mandate", "2"),
        ("comment", "Typed before the refusal"),
        *extra,
    ]
    refused = client.post("/respond/step/1", content=urlencode(posted).encode(), headers=FORM)
    assert refused.status_code == 422
    assert said in unescape(refused.text)
    assert "What you sent" in refused.text
    assert "Typed before the refusal" in refused.text
    autosave = client.post(
        "/respond/step/1/autosave",
        content=urlencode(posted).encode(),
        headers={**FORM, "X-CSRF-Token": started.csrf},
    )
    assert autosave.status_code == 422
    assert autosave.json()["field"] == field
    stored = _stored(reader)
    assert (stored.answers, stored.comments) == ({}, {})
