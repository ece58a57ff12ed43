"""The translatable texts of a definition, one unit per text, for translators' tools.

Every text a reader sees is a ``{language: text}`` mapping in the definition (or a
``{language: [text, ...]}`` list: examples, recommendations, scale labels).
:func:`text_fields` names each with the path that validation problems use
(``items[leadership.mandate].text``); :func:`text_units` splits the lists into one unit per
entry (``dimensions[leadership].recommendations[0]``), so that a spreadsheet row or a PO
message holds one text. :func:`translated_data` merges texts back, giving the data of a new
version that differs from the old one in nothing else.

A translator's file keeps a fingerprint of each source text (:func:`source_hash`), so that an
import can tell a text changed since the export from one that did not, and the texts'
placeholders and markup are compared by :func:`markup_problem`.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from scoring.definition import Definition

_SEGMENT = re.compile(r"([^.\[\]]+)|\[([^\]]+)\]")
_UNIT_INDEX = re.compile(r"^(.*)\[([0-9]+)\]$")

MARKUP = re.compile(
    r"%\([A-Za-z_][A-Za-z0-9_]*\)[a-z]"  # %(name)s
    r"|%[sdifr]\b"  # %s, %d
    r"|\{[A-Za-z0-9_]*\}"  # {n}, {0}, {}
    r"|</?[A-Za-z][A-Za-z0-9]*\s*/?>"  # <b>, </b>, <br/>
    r"|\*\*|__"  # Markdown emphasis
)
"""Placeholder and markup tokens that a translation must keep as the source has them.

Definitions allow no placeholders and no markup: every text is plain and shown escaped. So a
token here in a translation that the source lacks would be shown as it is (``<b>`` on the
page), and one the source has but the translation lacks is a sign of a text cut by a tool."""


def text_fields(d: Definition) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every translated field of ``d`` with its path, in definition order.

    A field maps languages to a text, or (examples, recommendations, scale labels) to a list.
    """
    yield "title", d.title
    if d.description:
        yield "description", d.description
    for scale_id, scale in d.scales.items():
        yield f"scales.{scale_id}.labels", scale.labels
        if scale.not_applicable_label:
            yield f"scales.{scale_id}.not_applicable_label", scale.not_applicable_label
    for dim in d.dimensions:
        yield f"dimensions[{dim.id}].title", dim.title
        if dim.description:
            yield f"dimensions[{dim.id}].description", dim.description
        if dim.recommendations:
            yield f"dimensions[{dim.id}].recommendations", dim.recommendations
    for area in d.areas:
        yield f"areas[{area.id}].title", area.title
    for index in d.indexes:
        yield f"indexes[{index.id}].title", index.title
    for group in d.item_groups:
        if group.title:
            yield f"item_groups[{group.id}].title", group.title
    for item in d.items:
        yield f"items[{item.id}].text", item.text
        for name in ("help", "examples"):
            if getattr(item, name):
                yield f"items[{item.id}].{name}", getattr(item, name)
        for choice in item.choices or []:
            yield f"items[{item.id}].choices[{choice.id}].label", choice.label
    for band in d.scoring.bands:
        yield f"scoring.bands[{band.id}].label", band.label


@dataclass(frozen=True)
class TextUnit:
    """One text to translate: ``path`` names it (a list entry ends in ``[0]``, ``[1]``...),
    ``texts`` holds it in each language that has it."""

    path: str
    texts: Mapping[str, str] = field(default_factory=dict)


def text_units(d: Definition) -> list[TextUnit]:
    """Every text of ``d`` as a unit of its own, in definition order.

    >>> from scoring.definition import Definition
    >>> units = text_units(Definition.model_validate(_EXAMPLE))
    >>> [unit.path for unit in units][:4]
    ['title', 'scales.yes.labels[0]', 'scales.yes.labels[1]', 'dimensions[d].title']
    >>> units[0].texts
    {'de': 'Titel', 'en': 'Title'}
    """
    units: list[TextUnit] = []
    for path, texts in text_fields(d):
        lists = {lang: value for lang, value in texts.items() if isinstance(value, list)}
        if not lists:
            units.append(TextUnit(path, dict(texts)))
            continue
        for index in range(max(len(entries) for entries in lists.values())):
            entry = {lang: v[index] for lang, v in lists.items() if index < len(v)}
            units.append(TextUnit(f"{path}[{index}]", entry))
    return units


def source_hash(text: str) -> str:
    """A short fingerprint of a source text: equal texts, equal fingerprints.

    >>> source_hash("Title")
    'sha256:7e8cd2056da73a7f'
    """
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def markup_problem(source: str, target: str) -> str | None:
    """How ``target`` breaks the placeholders or markup of ``source`` (see :data:`MARKUP`).

    >>> markup_problem("Up to {n} people", "Bis zu {n} Personen") is None
    True
    >>> markup_problem("Up to {n} **people**", "Bis zu {m} **Personen")
    'placeholders or markup differ from the source text: missing {n}, **; not in the source {m}'
    """
    wanted, found = Counter(MARKUP.findall(source)), Counter(MARKUP.findall(target))
    if wanted == found:
        return None
    missing, extra = list((wanted - found).elements()), list((found - wanted).elements())
    parts = []
    if missing:
        parts.append("missing " + ", ".join(missing))
    if extra:
        parts.append("not in the source " + ", ".join(extra))
    return "placeholders or markup differ from the source text: " + "; ".join(parts)


def translated_data(
    d: Definition, version: str, translations: Mapping[str, Mapping[str, str]]
) -> dict[str, Any]:
    """The data of version ``version`` of ``d`` with ``translations`` (``{path: {language:
    text}}``) merged in: new languages are declared, the old version is listed in
    ``comparable_with`` (only texts differ, so scores stay comparable), nothing else changes.

    A language given for a list's entries must be given for all of them (the caller checks
    that every unit has its text); the result still needs :func:`~scoring.parse_definition`.

    >>> from scoring.definition import Definition
    >>> old = Definition.model_validate(_EXAMPLE)
    >>> texts = {u.path: {"fr": u.texts["en"] + " (fr)"} for u in text_units(old)}
    >>> new = translated_data(old, "1.1", texts)
    >>> new["version"], new["languages"], new["comparable_with"], new["title"]["fr"]
    ('1.1', ['de', 'en', 'fr'], ['1.0'], 'Title (fr)')
    >>> new["scales"]["yes"]["labels"]["fr"]
    ['no (fr)', 'yes (fr)']
    """
    data = d.model_dump(mode="json", exclude_defaults=True)
    data["version"] = version
    if d.version not in d.comparable_with:
        data["comparable_with"] = [*d.comparable_with, d.version]
    languages = list(d.languages)
    lists: dict[tuple[str, str], dict[int, str]] = {}
    for path, texts in translations.items():
        for language, text in texts.items():
            if language not in languages:
                languages.append(language)
            entry = _UNIT_INDEX.match(path)
            if entry is None:
                _locate(data, path)[language] = text
            else:
                lists.setdefault((entry.group(1), language), {})[int(entry.group(2))] = text
    for (path, language), entries in lists.items():
        _locate(data, path)[language] = [entries[i] for i in sorted(entries)]
    data["languages"] = languages
    return copy.deepcopy(data)


def _locate(data: Any, path: str) -> dict[str, Any]:
    """The ``{language: text}`` mapping at a field path of dumped definition data."""
    node = data
    for key, label in _SEGMENT.findall(path):
        node = node[key] if key else next(entry for entry in node if entry.get("id") == label)
    if not isinstance(node, dict):
        raise KeyError(path)
    return node


_EXAMPLE: dict[str, Any] = {
    "slug": "example",
    "version": "1.0",
    "languages": ["de", "en"],
    "default_language": "de",
    "title": {"de": "Titel", "en": "Title"},
    "scales": {"yes": {"values": [0, 1], "labels": {"de": ["nein", "ja"], "en": ["no", "yes"]}}},
    "dimensions": [{"id": "d", "title": {"de": "D", "en": "D"}}],
    "items": [{"id": "i", "dimension": "d", "type": "scale", "scale": "yes",
               "text": {"de": "Frage", "en": "Question"}}],
    "scoring": {"bands": [{"id": "all", "min": 0, "label": {"de": "Alle", "en": "All"}}]},
}  # fmt: skip
