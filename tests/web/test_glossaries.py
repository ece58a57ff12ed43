"""The catalogues use their glossary's terms (docs/glossary-<lang>.md): where an English
interface message names a glossary term, every translation of it matches the term's pattern."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.i18n import catalogue_path
from app.settings import PROJECT_ROOT

DOCS = PROJECT_ROOT / "docs"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
CELL = re.compile(r"(?<!\\)\|")
GLOSSARIES = sorted(p.stem.removeprefix("glossary-") for p in DOCS.glob("glossary-*.md"))


def plain(text: str) -> str:
    """The text without diacritics (accents, Arabic vowel marks and shadda)."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    )


def glossary(path: Path) -> list[tuple[str, re.Pattern[str]]]:
    """``(English term, pattern of its translation)`` rows of a glossary's table."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip().replace("\\|", "|") for c in CELL.split(line.strip())[1:-1]]
        if len(cells) == 4 and cells[2].startswith("`") and cells[2].endswith("`"):
            rows.append((cells[0], re.compile(plain(cells[2].strip("`")), re.IGNORECASE)))
    return rows


def english_term(term: str) -> re.Pattern[str]:
    """The term in an English message: whole words, singular or plural."""
    words = r"[ -]".join(map(re.escape, term.split()))
    return re.compile(rf"\b{words}(?:s|es)?\b", re.IGNORECASE)


def messages(language: str) -> list[tuple[str, str]]:
    """``(English text, translation)``; a plural message gives each form with its English."""
    with catalogue_path(language).open("rb") as source:
        catalogue = read_po(source, locale=language)
    pairs = []
    for message in catalogue:
        if isinstance(message.id, tuple):
            english = " ".join(message.id)
            pairs += [(english, str(form)) for form in message.string]
        elif message.id:
            pairs.append((message.id, str(message.string)))
    return pairs


def test_every_new_interface_language_has_a_glossary() -> None:
    assert {"ar", "es", "fr", "it", "pl", "ro"} <= set(GLOSSARIES)


@pytest.mark.parametrize("language", GLOSSARIES)
def test_translations_use_the_glossarys_terms(language: str) -> None:
    rows = glossary(DOCS / f"glossary-{language}.md")
    assert len(rows) >= 20, "the table is read"
    wrong = []
    for term, pattern in rows:
        english = english_term(term)
        for source, translation in messages(language):
            if english.search(PLACEHOLDER.sub("", source)) and not pattern.search(
                plain(translation)
            ):
                wrong.append(f"{term!r} in {source!r}: {translation!r}")
    assert not wrong, "\n".join(wrong)
