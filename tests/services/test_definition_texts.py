"""A stored definition in one language: titles with their fallback, narrowing, the check."""

from __future__ import annotations

import pytest

from app.errors import LanguageNotOffered
from app.services import definition_texts
from tests.helpers import minimal_definition


def test_title_in_the_asked_language_or_the_default() -> None:
    data = minimal_definition() | {"title": {"de": "Kurz", "en": "Short"}, "default_language": "de"}
    assert definition_texts.title(data, "en") == definition_texts.Text("Short", "en")
    assert definition_texts.title(data, "pl") == definition_texts.Text("Kurz", "de")


def test_in_language_narrows_every_text_and_keeps_the_rest() -> None:
    data = minimal_definition()
    english = definition_texts.in_language(data, "en")
    assert english["title"] == "Mini"
    assert english["scales"]["agreement"]["labels"][0] == "not at all"
    assert english["scales"]["agreement"]["values"] == [0, 1, 2, 3, 4]
    assert english["items"][1]["choices"][0] == {"id": "yes", "label": "yes", "score": 100}
    assert english["languages"] == ["de", "en"]
    german = definition_texts.in_language(data, "de")
    assert german["dimensions"][0]["recommendations"] == ["Etwas tun"]


def test_narrowing_leaves_mappings_that_are_not_texts() -> None:
    data = {"title": {"de": "T", "en": "T-en"}, "id": "x", "labels": {"en": ["a"], "de": ["b"]}}
    narrowed = definition_texts.narrow_to_language(data, "en", frozenset({"de", "en"}))
    assert narrowed == {"title": "T-en", "id": "x", "labels": ["a"]}
    other = {"weights": {"en": 1, "other": 2}}
    assert definition_texts.narrow_to_language(other, "en", frozenset({"de", "en"})) == other


def test_a_language_not_offered_names_the_offered_ones() -> None:
    with pytest.raises(
        LanguageNotOffered, match="language 'pl' is not offered; available: de, en"
    ) as e:
        definition_texts.in_language(minimal_definition(), "pl")
    assert e.value.status_code == 404
    assert e.value.extra["available"] == ["de", "en"]
