"""Interface languages (issue 14, parts 1 and 4): every catalogue complete with the right plural
forms; pages rendered in every language show no English interface string; numbers and dates
per locale; the respondent's language choice with English falling back for the interface; a
new language is a new catalogue and nothing else."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app import i18n
from app.i18n import Localizer, available_languages, catalogue_path
from app.locale_numbers import parse_number
from app.models import Organisation, Project, Response, User
from scoring import parse_definition
from scoring.texts import text_units, translated_data
from tests import factories
from tests.helpers import minimal_definition
from tests.web.conftest import log_in
from tests.web.pages import Page

SHIPPED = ("ar", "de", "en", "es", "fr", "it", "pl", "ro")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def test_the_shipped_interface_languages() -> None:
    assert available_languages() == SHIPPED


@pytest.mark.parametrize("language", SHIPPED)
def test_plural_forms_are_cldrs_and_every_form_is_filled(language: str) -> None:
    with catalogue_path(language).open("rb") as source:
        catalogue = read_po(source, locale=language)
    assert catalogue.num_plurals == get_plural(language).num_plurals
    plural = [m for m in catalogue if m.id and isinstance(m.id, tuple)]
    assert plural
    for message in plural:
        forms = message.string
        assert isinstance(forms, tuple), message.id
        assert len(forms) == catalogue.num_plurals, message.id
        for form in forms:
            assert form, f"{language}: an empty plural form of {message.id}"
            assert set(PLACEHOLDER.findall(form)) == set(PLACEHOLDER.findall(message.id[1]))


@pytest.mark.parametrize(("language", "forms"), [("pl", 3), ("ro", 3), ("ar", 6)])
def test_languages_with_several_plural_forms(language: str, forms: int) -> None:
    assert get_plural(language).num_plurals == forms


ANSWERED = (
    "%(answered)s of %(num)s question answered",
    "%(answered)s of %(num)s questions answered",
)


@pytest.mark.parametrize(
    ("language", "num", "expected"),
    [
        ("fr", 1, "1 question sur 1 avec réponse"),
        ("fr", 3, "1 questions sur 3 avec réponse"),
        ("it", 3, "1 domande su 3 con risposta"),
        ("es", 1, "1 de 1 pregunta respondida"),
        ("pl", 1, "Odpowiedziano na 1 z 1 pytania"),
        ("pl", 3, "Odpowiedziano na 1 z 3 pytań"),
        ("ro", 1, "1 din 1 întrebare cu răspuns"),
        ("ro", 3, "1 din 3 întrebări cu răspuns"),
        ("ro", 20, "1 din 20 de întrebări cu răspuns"),
        ("ar", 2, "أُجيب عن 1 من 2 سؤالين"),
        ("ar", 3, "أُجيب عن 1 من 3 أسئلة"),
        ("ar", 11, "أُجيب عن 1 من 11 سؤالًا"),
    ],
)
def test_counts_take_each_languages_plural_form(language: str, num: int, expected: str) -> None:
    localizer = Localizer.for_language(language)
    assert localizer.ngettext(*ANSWERED, num) % {"answered": 1, "num": num} == expected


@pytest.mark.parametrize(
    ("language", "typed"),
    [
        ("fr", "1 500,5"),  # a normal space, as people type it
        ("fr", "1\u202f500,5"),  # the narrow no-break space CLDR writes
        ("fr", "1\u00a0500,5"),
        ("de", "1.500,5"),
        ("es", "1.500,5"),
        ("it", "1.500,5"),
        ("ro", "1.500,5"),  # CLDR: Romanian groups with a dot
        ("pl", "1 500,5"),  # CLDR: Polish groups with a space
        ("pl", "1\u00a0500,5"),
        ("en", "1,500.5"),
        ("ar", "1,500.5"),  # Babel's ar locale writes Latin digits with these separators
    ],
)
def test_number_input_is_read_as_people_write_it(language: str, typed: str) -> None:
    assert parse_number(typed, language) == Decimal("1500.5")
    assert parse_number("1500,5" if typed.endswith(".5") else "1500.5", language) is None


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "5 mars 2026"),
        ("it", "5 marzo 2026"),
        ("es", "5 de marzo de 2026"),
        ("pl", "5 marca 2026"),
        ("ro", "5 martie 2026"),
        ("ar", "5 مارس 2026"),
    ],
)
def test_dates_in_each_locale(language: str, expected: str) -> None:
    moment = datetime(2026, 3, 5, 14, 30, tzinfo=UTC)
    assert Localizer.for_language(language).date(moment) == expected
    assert Localizer.for_language(language).moment(moment, day_only=True) == expected


# -- pages in every language -------------------------------------------------------------------


class _VisibleText(HTMLParser):
    """Text nodes and the attributes people read (labels for screen readers, placeholders)."""

    READ = ("aria-label", "title", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        self.texts.extend(value for name, value in attrs if name in self.READ and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.texts.append(data)


def visible_texts(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    return [" ".join(text.split()) for text in parser.texts]


def _catalogue(language: str) -> dict[str, tuple[str, ...]]:
    """``{English text: its translations}`` of a catalogue; plural messages give both
    English forms, each with all the language's forms."""
    with catalogue_path(language).open("rb") as source:
        catalogue = read_po(source, locale=language)
    texts: dict[str, tuple[str, ...]] = {}
    for message in catalogue:
        if isinstance(message.id, tuple):
            for english in message.id:
                texts[english] = tuple(message.string)
        elif message.id:
            texts[message.id] = (str(message.string),)
    return texts


def _english_patterns(language: str) -> list[tuple[str, re.Pattern[str]]]:
    """The English interface texts that ``language`` does not write the same way (those it
    translates differently and those its catalogue lacks), as patterns (placeholders match
    anything); short texts must be a whole text on the page, longer ones anywhere in one."""
    own = _catalogue(language)
    patterns = []
    for english in _catalogue("en"):
        if english in own.get(english, ()):
            continue  # written the same in both (e.g. "JSON"): nothing to tell
        parts = PLACEHOLDER.split(english)
        body = "".join(re.escape(part) if i % 2 == 0 else ".+?" for i, part in enumerate(parts))
        whole = len(PLACEHOLDER.sub("", english).split()) < 3
        patterns.append((english, re.compile(f"^{body}$" if whole else body)))
    return patterns


def untranslated(html: str, language: str) -> list[str]:
    """English interface strings that a page in ``language`` shows."""
    texts = visible_texts(html)
    return sorted(
        {msgid for msgid, pattern in _english_patterns(language) if any(map(pattern.search, texts))}
    )


LANGUAGES = ["de", "en", "fr", "it", "es", "pl", "ro", "ar"]


def multilingual(session: Session, languages: list[str], version: str = "1.1") -> None:
    """Publish ``mini`` ``version`` in ``languages`` (its texts the English ones, marked)."""
    base = parse_definition(minimal_definition())
    texts = {
        unit.path: {lang: f"{unit.texts['en']} [{lang}]" for lang in languages if lang != "en"}
        for unit in text_units(base)
    }
    data = translated_data(base, version, texts)
    data["languages"] = languages
    factories.questionnaire(session, data)


@pytest.fixture
def every_language(session: Session, project: Project, organisation: Organisation) -> str:
    """An invitation to a round of ``mini`` 1.1 in all the shipped languages; its token."""
    multilingual(session, LANGUAGES)
    round_ = factories.round_(session, project, slug="mini", version="1.1")
    _invitation, token = factories.invitation(session, round_, organisation, multi_use=True)
    session.commit()
    return token


def _respondent_pages(client: TestClient, token: str, language: str) -> dict[str, Page]:
    start = Page.get(client, f"/r/{token}?lang={language}")
    assert start.submit({"consent": "yes"}).status == 200
    step = Page.get(client, "/respond/step/1")
    second = step.submit({"leadership.mandate": "1", "leadership.has_budget": "no"})
    review = second.submit({"services.training": "4"})
    result = review.submit({"confirm": "yes"}, "/respond/submit")
    assert (review.url, result.url) == ("/respond/review", "/respond/result"), result.text
    return {"start": start, "step": step, "review": review, "result": result}


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_pages_in_every_language_show_no_english_interface_string(
    client: TestClient, every_language: str, language: str
) -> None:
    client.cookies.clear()
    pages = _respondent_pages(client, every_language, language)
    client.cookies.clear()
    client.headers["Accept-Language"] = language
    pages["login"] = Page.get(client, "/login")
    pages["home"] = Page.get(client, "/")
    pages["not found"] = Page.get(client, "/no-such-page")
    for name, page in pages.items():
        assert f'lang="{language}"' in page.text, name
        assert not untranslated(page.text, language), (name, untranslated(page.text, language))
    assert 'dir="rtl"' in pages["start"].text if language == "ar" else True


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_facilitator_pages_in_every_language_show_no_english_interface_string(
    client: TestClient, facilitator: User, organisation: Organisation, language: str
) -> None:
    client.headers["Accept-Language"] = language
    assert log_in(client, "ana@example.org").url == "/projects"
    paths = [
        "/projects",
        "/projects/net",
        "/projects/net/import",
        f"/projects/net/organisations/{organisation.id}",
        "/account/password",
    ]
    for path in paths:
        page = Page.get(client, path)
        assert page.status == 200, path
        assert f'lang="{language}"' in page.text, path
        assert not untranslated(page.text, language), (path, untranslated(page.text, language))


def test_the_check_sees_an_english_string_on_a_translated_page() -> None:
    """The check itself: English left in a French page is named."""
    page = "<p>Protection des données</p><button>Save and continue</button>"
    assert untranslated(page, "fr") == ["Save and continue"]
    shown = "<p>Étape 2 sur 5</p><p>Step 2 of 5</p>"
    assert "Step %(step)s of %(steps)s" in untranslated(shown, "fr")


# -- temporary catalogues: a missing string shows, a new language is just a catalogue ----------


@pytest.fixture
def catalogues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the catalogue folder the app reads from, for the test to change."""
    folder = tmp_path / "translations"
    shutil.copytree(i18n.TRANSLATIONS_DIR, folder)
    monkeypatch.setattr(i18n, "TRANSLATIONS_DIR", folder)
    _clear = _clearing()
    _clear()
    yield folder
    monkeypatch.undo()
    _clear()


def _clearing() -> Callable[[], None]:
    def clear() -> None:
        i18n.available_languages.cache_clear()
        i18n.translations.cache_clear()

    return clear


def _edit(folder: Path, language: str, change: Callable[[Catalog], None]) -> None:
    path = folder / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as source:
        catalogue = read_po(source, locale=language)
    change(catalogue)
    with path.open("wb") as target:
        write_po(target, catalogue, width=0)
    _clearing()()


def test_a_catalogue_lacking_a_string_the_pages_use_fails_the_check(
    client: TestClient, every_language: str, catalogues: Path
) -> None:
    _edit(catalogues, "fr", lambda catalogue: catalogue.delete("Data protection"))
    start = Page.get(client, f"/r/{every_language}?lang=fr")
    assert untranslated(start.text, "fr") == ["Data protection"]


def test_a_new_language_is_a_catalogue_and_nothing_else(
    client: TestClient,
    session: Session,
    project: Project,
    organisation: Organisation,
    catalogues: Path,
) -> None:
    multilingual(session, ["de", "en", "sv"])
    round_ = factories.round_(session, project, slug="mini", version="1.1")
    _invitation, token = factories.invitation(session, round_, organisation)
    session.commit()

    before = Page.get(client, f"/r/{token}?lang=sv")
    assert "(interface in English)" in before.text
    assert "Data protection" in before.text

    (catalogues / "sv" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(catalogue_path("en"), catalogues / "sv" / "LC_MESSAGES" / "messages.po")

    def swedish(catalogue: Catalog) -> None:
        catalogue.locale = "sv"
        catalogue["Data protection"].string = "Dataskydd"

    _edit(catalogues, "sv", swedish)
    assert "sv" in available_languages()
    after = Page.get(client, f"/r/{token}?lang=sv")
    assert "Dataskydd" in after.text
    assert "(interface in English)" not in after.text


# -- the respondent's choice -------------------------------------------------------------------


@pytest.fixture
def with_fallback(session: Session, project: Project, organisation: Organisation) -> str:
    """An invitation to ``mini`` 1.1 in German, English, French and Swedish (no Swedish
    interface catalogue)."""
    multilingual(session, ["de", "en", "fr", "sv"])
    round_ = factories.round_(session, project, slug="mini", version="1.1")
    _invitation, token = factories.invitation(session, round_, organisation, multi_use=True)
    session.commit()
    return token


def _switch(page: Page) -> list[str]:
    nav = re.search(r'<nav class="language-switch".*?</nav>', page.text, re.S)
    assert nav, page.text
    return [" ".join(t.split()) for t in re.findall(r"<a [^>]*>(.*?)</a>", nav.group(0), re.S)]


def test_the_start_page_offers_the_questionnaires_languages(
    client: TestClient, with_fallback: str
) -> None:
    page = Page.get(client, f"/r/{with_fallback}?lang=fr")
    assert [re.sub(r"<[^>]+>", "", t) for t in _switch(page)] == [
        "Deutsch",
        "English",
        "Français",
        "Svenska (interface en anglais)",
    ]
    assert "Protection des données" in page.text
    assert "interface-fallback" not in page.text


def test_a_language_without_interface_falls_back_to_english_visibly(
    client: TestClient, with_fallback: str, session: Session
) -> None:
    start = Page.get(client, f"/r/{with_fallback}?lang=sv")
    assert 'lang="sv"' in start.text
    assert "The questions are in Svenska. The rest of these pages is in English" in start.text
    assert "Data protection" in start.text
    start.submit({"consent": "yes"})
    step = Page.get(client, "/respond/step/1")
    assert "Mandate? [sv]" in step.text  # the questions in Swedish
    assert "Save and continue" in step.text  # the interface in English
    assert session.exec(select(Response.language)).one() == "sv"


def test_the_choice_is_remembered_for_the_response(
    client: TestClient, with_fallback: str, session: Session
) -> None:
    Page.get(client, f"/r/{with_fallback}?lang=fr").submit({"consent": "yes"})
    step = Page.get(client, "/respond/step/1")
    assert "Enregistrer et continuer" in step.text
    assert session.exec(select(Response.language)).one() == "fr"


def test_the_character_counter_has_a_text_for_each_plural_category(
    client: TestClient, with_fallback: str, session: Session
) -> None:
    """The browser counts, so it gets the text of every category of the language (Polish:
    "1 znak", "2 znaki", "5 znaków"); before, it only had a singular and a plural."""
    multilingual(session, ["de", "en", "pl"], version="1.2")
    project = session.exec(select(Project)).one()
    round_ = factories.round_(session, project, slug="mini", version="1.2")
    organisation = session.exec(select(Organisation)).one()
    _invitation, token = factories.invitation(session, round_, organisation)
    session.commit()
    Page.get(client, f"/r/{token}?lang=pl").submit({"consent": "yes"})
    step = Page.get(client, "/respond/step/1")
    assert 'data-plural="pl"' in step.text
    assert 'data-left-one="Pozostał {n} znak"' in step.text
    assert 'data-left-few="Pozostały {n} znaki"' in step.text
    assert 'data-left-many="Pozostało {n} znaków"' in step.text
    assert 'data-over-few="{n} znaki za dużo"' in step.text
