"""A stored definition's texts in one language, for every face that shows them.

The front page, the JSON API (``?lang=``) and the coming facilitator pages read the stored
definition JSON (``QuestionnaireVersion.definition``) in a language; these are the rules they
share: a title falls back to the definition's default language (and says so, for ``lang``
attributes), and narrowing refuses a language the definition does not offer, naming the ones
it does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.errors import LanguageNotOffered


@dataclass(frozen=True)
class Text:
    """A text and the language it is really in (the default language when it fell back)."""

    text: str
    language: str


def title(definition: Mapping[str, Any], language: str) -> Text:
    """The title in ``language``, else in the definition's default language."""
    titles: Mapping[str, str] = definition["title"]
    chosen = language if language in titles else str(definition["default_language"])
    return Text(titles[chosen], chosen)


def in_language(definition: Mapping[str, Any], language: str) -> Any:
    """The definition with every ``{lang: text}`` mapping replaced by its text in ``language``.

    Raises :class:`~app.errors.LanguageNotOffered` (404, with ``available``) for a language
    the definition does not declare: the code is well formed, there are just no texts in it.
    """
    languages = frozenset(definition["languages"])
    if language not in languages:
        raise LanguageNotOffered(language, sorted(languages))
    return narrow_to_language(definition, language, languages)


def narrow_to_language(data: Any, language: str, languages: frozenset[str]) -> Any:
    """Replace every ``{lang: text}`` mapping in ``data`` by its text in ``language``.

    A mapping counts as texts when all its keys are declared languages; anything else keeps
    its structure.
    """
    if isinstance(data, dict):
        if data and language in data and set(data) <= languages:
            return data[language]
        return {key: narrow_to_language(value, language, languages) for key, value in data.items()}
    if isinstance(data, list):
        return [narrow_to_language(value, language, languages) for value in data]
    return data
