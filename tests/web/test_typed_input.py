"""What respondents type is read as they meant it (issue 9.3 and 9.4), on SQLite and PostgreSQL.

Numbers are read in the page's language ("1.500" on a German page is 1500); texts are counted
as the browser counts them (a line break is one character, CRLF too); a refused entry comes
back in its field exactly as typed, and nothing stored is cut or replaced.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Response
from tests import factories
from tests.helpers import minimal_definition
from tests.web.conftest import begin
from tests.web.pages import Page

Reader = Callable[[], Session]
STAFF, SHARE, NOTE = "leadership.staff", "leadership.share", "leadership.note"


@pytest.fixture
def start(client: TestClient, session: Session) -> Callable[[str], Page]:
    """Opens step 1 of a questionnaire with number and text items, in a given language."""
    data = minimal_definition()
    data["slug"] = "typed"
    data["items"] += [
        {
            "id": STAFF,
            "dimension": "leadership",
            "type": "number",
            "required": False,
            "text": {"de": "Personal?", "en": "Staff?"},
        },
        {
            "id": SHARE,
            "dimension": "leadership",
            "type": "number",
            "min": 0,
            "max": 2500.5,
            "required": False,
            "text": {"de": "Anteil?", "en": "Share?"},
        },
        {
            "id": NOTE,
            "dimension": "leadership",
            "type": "text",
            "max_length": 20,
            "required": False,
            "text": {"de": "Notiz?", "en": "Note?"},
        },
    ]
    factories.questionnaire(session, data)
    made = factories.network(session, slug="typed")
    session.commit()

    def open_in(language: str) -> Page:
        _invitation, token = factories.invitation(session, made.round, made.organisation)
        session.commit()
        client.headers["Accept-Language"] = language
        return begin(client, token)

    return open_in


def _stored(reader: Reader) -> Response:
    with reader() as session:
        return session.exec(select(Response)).one()


def _field(page: Page, item_id: str) -> str:
    """The value a number field or textarea holds, as the browser shows it."""
    anchor = "q-" + item_id.replace(".", "--")
    found = re.search(rf'<input [^>]*id="{anchor}"[^>]*value="([^"]*)"', page.text)
    if found is None:
        found = re.search(rf'<textarea id="{anchor}"[^>]*>(.*?)</textarea>', page.text, re.S)
    assert found is not None, page.text
    return unescape(found.group(1))


GERMAN = [("1.500", 1500), ("1,5", 1.5), ("1.234,5", 1234.5), ("1500", 1500), ("-0,25", -0.25)]
ENGLISH = [("1.500", 1.5), ("1,500", 1500), ("1,234.5", 1234.5), (" 42 ", 42)]


@pytest.mark.parametrize(("language", "cases"), [("de", GERMAN), ("en", ENGLISH)])
def test_numbers_are_read_in_the_pages_language(
    client: TestClient,
    start: Callable[[str], Page],
    reader: Reader,
    language: str,
    cases: list[tuple[str, float]],
) -> None:
    start(language)
    for typed, number in cases:
        saved = Page.get(client, "/respond/step/1").submit({STAFF: typed, "action": "later"})
        assert saved.status == 200, typed
        assert _stored(reader).answers[STAFF] == number, typed


def test_a_stored_number_is_shown_back_in_the_pages_language(
    client: TestClient, start: Callable[[str], Page], reader: Reader
) -> None:
    start("de").submit({STAFF: "1.500", SHARE: "2,5", "action": "later"})
    page = Page.get(client, "/respond/step/1")
    # shown as it was read, in the page's format with Babel's grouping
    assert (_field(page, STAFF), _field(page, SHARE)) == ("1.500", "2,5")
    assert 'type="number"' not in page.text  # no field that rewrites what is typed
    assert 'inputmode="decimal" spellcheck="false" class="number" id="q-leadership--staff"' in (
        page.text
    )
    assert page.submit({"action": "later"}).status == 200  # shown back, read back the same
    assert _stored(reader).answers[STAFF] == 1500
    review = Page.get(client, "/respond/review")
    assert "1.500" in review.text
    assert "2,5" in review.text


REFUSED = [
    ("de", "1.5", "Personal?: Bitte geben Sie eine Zahl ein, so geschrieben: 1.234,5."),
    ("de", "1.50", "Personal?: Bitte geben Sie eine Zahl ein, so geschrieben: 1.234,5."),
    ("de", "zwölf", "Personal?: Bitte geben Sie eine Zahl ein, so geschrieben: 1.234,5."),
    ("en", "1,5", "Staff?: Please enter a number, written like this: 1,234.5."),
    ("en", "1.234,5", "Staff?: Please enter a number, written like this: 1,234.5."),
    ("en", "1_000", "Staff?: Please enter a number, written like this: 1,234.5."),
]


@pytest.mark.parametrize(("language", "typed", "message"), REFUSED)
def test_an_ambiguous_number_is_refused_and_shown_back_as_typed(
    client: TestClient,
    start: Callable[[str], Page],
    reader: Reader,
    language: str,
    typed: str,
    message: str,
) -> None:
    start(language).submit({STAFF: "7", "action": "later"})
    refused = Page.get(client, "/respond/step/1").submit({STAFF: typed, "leadership.mandate": "2"})
    assert refused.status == 422
    assert message in refused.text
    assert _field(refused, STAFF) == typed  # what was typed, not the stored 7
    stored = _stored(reader).answers
    assert stored[STAFF] == 7  # kept, not replaced by a guess
    assert "leadership.mandate" not in stored  # nothing of a refused page is saved ...
    assert 'value="2" checked' in refused.text  # ... and the rest of it is shown as sent


def test_a_number_out_of_range_names_the_range_in_the_pages_language(
    client: TestClient, start: Callable[[str], Page], reader: Reader
) -> None:
    refused = start("de").submit({SHARE: "2.600"})
    assert refused.status == 422
    assert "Anteil?: Bitte geben Sie eine Zahl von 0 bis 2.500,5 ein." in refused.text
    assert _field(refused, SHARE) == "2.600"
    assert SHARE not in _stored(reader).answers


def test_a_german_decimal_that_looks_like_english_grouping_gets_a_note_after_saving(
    client: TestClient, start: Callable[[str], Page], reader: Reader
) -> None:
    page = start("de")
    saved = page.submit({STAFF: "1,500", SHARE: "1500", "leadership.mandate": "2"})
    assert saved.status == 200
    assert saved.url == "/respond/step/1"  # the same page, saved, with the note
    assert _stored(reader).answers[STAFF] == 1.5
    assert 'id="q-leadership--staff-note">gelesen als 1,5</p>' in saved.text
    assert _field(saved, STAFF) == "1,5"
    assert _field(saved, SHARE) == "1.500"
    assert "q-leadership--share-note" not in saved.text  # "1500" is not ambiguous
    onwards = saved.submit({})
    assert onwards.url == "/respond/step/2"  # non-blocking: the next save goes on


def test_a_number_beyond_what_a_float_holds_names_the_range_and_never_shows_inf(
    client: TestClient, start: Callable[[str], Page], reader: Reader
) -> None:
    refused = start("de").submit({STAFF: "1e400", SHARE: "-1e400"})
    assert refused.status == 422
    assert (
        "Personal?: Bitte geben Sie eine Zahl von -1.000.000.000.000.000 bis "
        "1.000.000.000.000.000 ein." in refused.text
    )
    assert "Anteil?: Bitte geben Sie eine Zahl von 0 bis 2.500,5 ein." in refused.text
    assert _field(refused, STAFF) == "1e400"  # as typed
    assert "inf" not in refused.text.replace("info", "")
    assert STAFF not in _stored(reader).answers
    page = Page.get(client, "/respond/step/1")
    fields = page.hidden()
    saved = client.post(
        "/respond/step/1/autosave",
        data={**fields, STAFF: "1e400"},
        headers={"X-CSRF-Token": fields["csrf_token"], "Accept": "application/json"},
    )
    assert saved.status_code == 422
    assert "inf" not in saved.text


def test_autosave_reads_numbers_in_the_pages_language(
    start: Callable[[str], Page], reader: Reader
) -> None:
    page = start("de")
    fields = page.hidden()
    answer = page.client.post(
        "/respond/step/1/autosave",
        data={**fields, STAFF: "1.500", SHARE: "1.5"},
        headers={"X-CSRF-Token": fields["csrf_token"], "Accept": "application/json"},
    )
    assert answer.status_code == 422
    assert answer.json()["message"] == (
        "Anteil?: Bitte geben Sie eine Zahl ein, so geschrieben: 1.234,5."
    )
    assert _stored(reader).answers == {STAFF: 1500}


NINETEEN = "line one\nline 2\nend"  # 19 characters as the browser counts them


def test_line_breaks_count_once_as_in_the_browser(
    start: Callable[[str], Page], reader: Reader
) -> None:
    assert len(NINETEEN) == 19
    posted = NINETEEN.replace("\n", "\r\n")  # how a browser posts a textarea: 21 characters
    page = start("en").submit({NOTE: posted, "action": "later"})
    assert page.status == 200, page.text
    assert _stored(reader).answers[NOTE] == NINETEEN


def test_characters_beyond_the_basic_plane_count_twice_as_in_the_browser(
    client: TestClient, start: Callable[[str], Page], reader: Reader
) -> None:
    start("en").submit({NOTE: "🙂" * 10, "action": "later"})  # 20 UTF-16 units: fits
    assert _stored(reader).answers[NOTE] == "🙂" * 10
    refused = Page.get(client, "/respond/step/1").submit({NOTE: "🙂" * 10 + "!"})
    assert refused.status == 422
    assert "Note?: Please shorten the text to at most 20 characters." in refused.text


def test_an_over_long_text_is_refused_with_the_text_kept_on_the_page(
    client: TestClient, start: Callable[[str], Page], reader: Reader
) -> None:
    start("en").submit({NOTE: "kept", "action": "later"})
    typed = "line one\r\nline two <b>&</b>\r\n"
    refused = Page.get(client, "/respond/step/1").submit({NOTE: typed})
    assert refused.status == 422
    assert "Note?: Please shorten the text to at most 20 characters." in refused.text
    assert _field(refused, NOTE) == "line one\nline two <b>&</b>\n"  # all of it, escaped
    assert "<b>&</b>" not in refused.text
    assert _stored(reader).answers[NOTE] == "kept"  # not cut, not replaced


def test_an_over_long_comment_is_refused_with_the_comment_kept_on_the_page(
    client: TestClient, start: Callable[[str], Page], reader: Reader
) -> None:
    start("en").submit({"comment": "kept", "action": "later"})
    typed = "x" * 3990 + "\r\n" * 10 + "y"  # 4001 as the browser counts, 4011 as posted
    refused = Page.get(client, "/respond/step/1").submit({"comment": typed})
    assert refused.status == 422
    # one rule for numbers in messages: the limit reads as the hint beside the field does
    assert "Please shorten the comment to at most 4,000 characters." in refused.text
    assert "At most 4,000 characters." in refused.text
    assert _field_comment(refused) == typed.replace("\r\n", "\n")
    assert _stored(reader).comments == {"leadership": "kept"}
    fits = typed[:-1]  # 4000 as the browser counts
    assert Page.get(client, "/respond/step/1").submit({"comment": fits}).status == 200
    assert _stored(reader).comments == {"leadership": fits.replace("\r\n", "\n").strip()}


def _field_comment(page: Page) -> str:
    found = re.search(r'<textarea id="comment"[^>]*>(.*?)</textarea>', page.text, re.S)
    assert found is not None
    return unescape(found.group(1))


def test_text_fields_show_their_limit_and_are_never_cut_by_the_browser(
    start: Callable[[str], Page],
) -> None:
    page = start("de")
    assert "maxlength" not in page.text  # a browser would cut pasted text silently
    assert re.search(r'id="q-leadership--note-count" data-count="q-leadership--note"', page.text)
    assert "Höchstens 20 Zeichen." in page.text
    assert "Höchstens 4.000 Zeichen." in page.text
    assert 'data-left-other="Noch {n} Zeichen"' in page.text
