"""Every error a facilitator page shows is said in the page's language: each form and filter
of the facilitator area (rounds, tokens, dashboard, progress and audit filters, invitation
batches, partner forms and the partner import) gets bad input once with the English and once
with the German interface, and no message of the English page may appear on the German one.
Plus the partner form reading numbers as the German page writes them, and the plural of the
import notice."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Organisation, Round, User
from tests.web.conftest import log_in
from tests.web.pages import Page

Reader = Callable[[], Session]
SUMMARY = re.compile(r'<div class="error-summary"[^>]*>(.*?)</div>', re.S)
LEAD = re.compile(r'<p class="lead">(.*?)</p>', re.S)
FIELD_ERROR = re.compile(r'<p class="field-error"[^>]*>(.*?)</p>', re.S)
ITEM = re.compile(r"<(?:p|li)\b[^>]*>(.*?)</(?:p|li)>", re.S)
TAG = re.compile(r"<[^>]+>")


def _messages(html: str) -> list[str]:
    """The error texts a page shows: its error summary, field errors, an error page's lead."""
    found: list[str] = []
    for summary in SUMMARY.findall(html):
        found += ITEM.findall(summary)
    found += FIELD_ERROR.findall(html)
    if "Error code" in html or "Fehlercode" in html:
        found += LEAD.findall(html)
    texts = [unescape(TAG.sub("", text)).strip() for text in found]
    return [text.removeprefix("Error:").strip() for text in texts if text]


@pytest.fixture
def ana(client: TestClient, facilitator: User, round_: Round, organisation: Organisation) -> Any:
    log_in(client, "ana@example.org")
    return client


def _send(client: TestClient, language: str, method: str, path: str, **kwargs: Any) -> Any:
    """One request with the interface in ``language``; a form gets a fresh CSRF token."""
    client.headers["Accept-Language"] = language
    if method == "GET":
        return client.get(path)
    csrf = Page.get(client, "/projects").hidden("/logout")["csrf_token"]
    data = {"csrf_token": csrf, **kwargs.pop("data", {})}
    return client.post(path, data=data, **kwargs)


def _cases(round_id: int, organisation_id: int) -> list[tuple[str, str, dict[str, Any]]]:
    rounds = "/projects/net/rounds"
    one = f"{rounds}/{round_id}"
    utf16 = "name,country,kind\nKöln,DE,city\n".encode("utf-16")
    return [
        ("POST", rounds, {"data": {"version": "", "name": " ", "min_group_size": "2147483648"}}),
        ("POST", rounds, {"data": {"version": "mini/1.0", "name": "R", "closes": "2020-01-31"}}),
        ("POST", one, {"data": {"version": "mini/1.0", "name": "Renamed", "revision": "0"}}),
        ("POST", f"{one}/extend", {"data": {"closes": "someday", "revision": "1"}}),
        ("POST", f"{one}/extend", {"data": {"closes": "2099-01-31", "revision": "0"}}),
        ("POST", f"{one}/reopen", {"data": {"reason": "x", "revision": "1"}}),
        ("POST", "/projects/net/tokens", {"data": {"name": "portal", "expires": "soon"}}),
        ("POST", "/projects/net/tokens", {"data": {"name": "portal"}}),
        ("GET", f"{one}/dashboard?country=XYZ", {}),
        ("GET", f"{one}/dashboard?attribute=height&partner_of=1", {}),
        ("GET", f"{one}/dashboard?k=999", {}),
        ("GET", f"{one}/progress?status=lost", {}),
        ("GET", f"{one}/progress?organisation=abc", {}),
        ("GET", "/audit?days=abc", {}),
        ("GET", "/audit?days=0", {}),
        ("POST", f"{one}/invitations", {"data": {"organisation": "all", "kind": "both"}}),
        (
            "POST",
            f"{one}/invitations",
            {"data": {"organisation": "all", "every_group": "yes", "group": "schools"}},
        ),
        ("POST", f"{one}/invitations", {"data": {"organisation": "x", "max_uses": "many"}}),
        ("POST", f"{one}/invitations", {"data": {"organisation": "all", "expires": "2020-01-01"}}),
        (
            "POST",
            "/projects/net/organisations",
            {"data": {"name": "", "country": "Germany", "kind": "club", "population": "viele"}},
        ),
        (
            "POST",
            f"/projects/net/organisations/{organisation_id}",
            {"data": {"name": "Saxony", "country": "DE", "population": "1,5"}},
        ),
        ("POST", "/projects/net/import", {"files": {"file": ("p.csv", utf16, "text/csv")}}),
    ]


def test_no_english_error_text_on_german_facilitator_pages(
    ana: TestClient, round_: Round, organisation: Organisation, session: Session
) -> None:
    round_id, organisation_id = round_.id, organisation.id
    session.commit()  # the read ends: the app needs the write lock
    assert round_id is not None
    assert organisation_id is not None
    for method, path, kwargs in _cases(round_id, organisation_id):
        english = _send(ana, "en", method, path, **dict(kwargs))
        german = _send(ana, "de", method, path, **dict(kwargs))
        case = f"{method} {path} {kwargs.get('data', '')}"
        assert 400 <= english.status_code < 500, (case, english.status_code)
        assert german.status_code == english.status_code, case
        told = _messages(english.text)
        assert told, (case, english.text[-3000:])
        shown = _messages(german.text)
        assert shown, case
        for message in told:
            assert message not in shown, (case, message)
            assert message not in unescape(german.text), (case, message)


def test_partner_numbers_follow_the_page_language(
    ana: TestClient, organisation: Organisation, reader: Reader, session: Session
) -> None:
    organisation_id = organisation.id
    session.commit()
    german = _send(
        ana,
        "de",
        "POST",
        f"/projects/net/organisations/{organisation_id}",
        data={
            "name": "Saxony",
            "country": "DE",
            "population": "1.500",
            "foreign_born_share": "7,5",
        },
    )
    assert german.status_code == 200, german.text
    with reader() as session:
        stored = session.exec(select(Organisation)).one()
    assert (stored.population, stored.foreign_born_share) == (1500, 7.5)
    english = _send(
        ana,
        "en",
        "POST",
        f"/projects/net/organisations/{organisation_id}",
        data={"name": "Saxony", "country": "DE", "population": "1.500"},
    )
    assert english.status_code == 422  # one and a half people: not a whole number
    assert "'1.500' is not a whole number" in unescape(english.text)


def test_imported_partners_are_counted_with_the_right_plural(ana: TestClient) -> None:
    one = _send(
        ana,
        "en",
        "POST",
        "/projects/net/import",
        files={"file": ("p.csv", b"name,country,kind\nTuscany,IT,region\n", "text/csv")},
    )
    assert "1 partner was imported." in one.text
    two = _send(
        ana,
        "de",
        "POST",
        "/projects/net/import",
        files={"file": ("p.csv", b"name,country,kind\nA,IT,region\nB,PL,region\n", "text/csv")},
    )
    assert "2 Partner wurden importiert." in two.text


def test_the_size_limit_is_named_in_the_page_language(ana: TestClient) -> None:
    big = {"name": "x" * 1_100_000, "country": "DE"}
    english = _send(ana, "en", "POST", "/projects/net/organisations", data=big)
    assert english.status_code == 413
    assert "at most 1 MB" in english.text
    german = _send(ana, "de", "POST", "/projects/net/organisations", data=big)
    assert "höchstens 1 MB" in german.text


@pytest.mark.parametrize(
    ("path", "english", "german"),
    [
        ("/projects/net/rounds/99999/progress", "no round 99999", "keine Runde 99999"),
        ("/projects/elsewhere/rounds", "no project 'elsewhere'", "kein Projekt 'elsewhere'"),
        ("/report/" + "x" * 43, "no such report link", "kein solcher Berichtslink"),
    ],
)
def test_not_found_pages_read_in_the_page_language(
    ana: TestClient, path: str, english: str, german: str
) -> None:
    """A "not found" detail is a Message: the German page shows it translated (ids written as
    typed, never as grouped numbers), the English page the English one."""
    found = _send(ana, "de", "GET", path)
    assert found.status_code == 404
    assert _messages(found.text) == [german]
    plain = _send(ana, "en", "GET", path)
    assert plain.status_code == 404
    assert _messages(plain.text) == [english]


@pytest.mark.parametrize("typed", ["1e2", "\u0663", "\uff15"])
def test_a_partner_number_is_read_only_as_the_page_writes_it(
    ana: TestClient, organisation: Organisation, reader: Reader, session: Session, typed: str
) -> None:
    """An exponent, Arabic-Indic or fullwidth digits are not read as 100, 3 or 5: refused."""
    organisation_id = organisation.id
    session.commit()
    refused = _send(
        ana,
        "de",
        "POST",
        f"/projects/net/organisations/{organisation_id}",
        data={"name": "Saxony", "country": "DE", "population": typed},
    )
    assert refused.status_code == 422
    assert typed in unescape(refused.text)
    with reader() as session:
        assert session.exec(select(Organisation)).one().population is None


def test_a_refused_partner_number_names_the_accepted_form(
    ana: TestClient, organisation: Organisation, session: Session
) -> None:
    organisation_id = organisation.id
    session.commit()
    refused = _send(
        ana,
        "de",
        "POST",
        f"/projects/net/organisations/{organisation_id}",
        data={"name": "Saxony", "country": "DE", "foreign_born_share": "12.5"},
    )
    assert refused.status_code == 422
    assert "schreiben Sie sie so: 12,5" in unescape(refused.text)
