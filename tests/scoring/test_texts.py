"""The texts a translator gets: every translated field, one unit per text, merged back into a
new version that differs in nothing but its texts, version and comparable versions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.definition_files import read_definition
from scoring import (
    Definition,
    markup_problem,
    parse_definition,
    text_fields,
    text_units,
    translated_data,
)

QUESTIONNAIRES = [
    *sorted(Path("questionnaires").glob("*/*.yaml")),
    Path("tests/scoring/civic_index.yaml"),  # item groups with titles
]


def without_version(definition: Definition) -> str:
    return definition.model_copy(update={"version": "0", "comparable_with": []}).content_hash()


@pytest.mark.parametrize("path", QUESTIONNAIRES, ids=lambda p: p.parent.name)
def test_every_text_of_every_language_is_in_one_unit(path: Path) -> None:
    definition = read_definition(path)
    units = text_units(definition)
    assert len({unit.path for unit in units}) == len(units)
    in_units = sorted(text for unit in units for text in unit.texts.values())
    in_fields = []
    for _path, texts in text_fields(definition):
        for value in texts.values():
            in_fields.extend(value if isinstance(value, list) else [value])
    assert in_units == sorted(in_fields)
    assert all(set(unit.texts) == set(definition.languages) for unit in units)


def localized_paths(data: Any, languages: set[str], path: str = "") -> Iterator[str]:
    """Every ``{language: text}`` mapping in dumped definition data, found by its shape."""
    if isinstance(data, dict):
        if data and set(data) <= languages:
            yield path
            return
        for key, value in data.items():
            yield from localized_paths(value, languages, f"{path}.{key}" if path else key)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            label = value.get("id", index) if isinstance(value, dict) else index
            yield from localized_paths(value, languages, f"{path}[{label}]")


@pytest.mark.parametrize("path", QUESTIONNAIRES, ids=lambda p: p.parent.name)
def test_no_translated_text_is_left_out(path: Path) -> None:
    """Whatever the model holds in languages is a text field, so a field added to the model
    later without adding it to ``text_fields`` fails here."""
    definition = read_definition(path)
    dumped = definition.model_dump(mode="json", exclude_defaults=True)
    found = set(localized_paths(dumped, set(definition.languages)))
    assert found == {field for field, _texts in text_fields(definition)}


@pytest.mark.parametrize("path", QUESTIONNAIRES, ids=lambda p: p.parent.name)
def test_merging_the_same_texts_changes_nothing_but_the_version(path: Path) -> None:
    definition = read_definition(path)
    same = {unit.path: dict(unit.texts) for unit in text_units(definition)}
    new = parse_definition(translated_data(definition, "9.0", same))
    # comparable with the version it came from, and with every version that one was
    assert (new.version, new.comparable_with) == (
        "9.0",
        [*definition.comparable_with, definition.version],
    )
    assert without_version(new) == without_version(definition)


def test_a_new_language_is_declared_and_every_list_gets_its_entries() -> None:
    definition = read_definition(QUESTIONNAIRES[0])
    french = {unit.path: {"fr": f"fr {unit.path}"} for unit in text_units(definition)}
    new = parse_definition(translated_data(definition, "9.0", french))
    assert new.languages == [*definition.languages, "fr"]
    dimension = new.dimensions[0]
    assert dimension.recommendations["fr"] == [
        f"fr dimensions[{dimension.id}].recommendations[{i}]"
        for i in range(len(dimension.recommendations[definition.default_language]))
    ]


@pytest.mark.parametrize(
    ("source", "target", "problem"),
    [
        ("Plain text", "Texte simple", None),
        ("%(name)s and {n} <b>bold</b> **strong**", "{n}, %(name)s **fort** <b>gras</b>", None),
        ("%(count)s max", "%(compte)s max", "missing %(count)s; not in the source %(compte)s"),
        ("{n} people", "n personnes", "missing {n}"),
        ("**very** important", "**très important", "missing **"),
        ("a <b>b</b>", "a <b>b", "missing </b>"),
        ("Plain", "<i>Simple</i>", "not in the source <i>, </i>"),
        ("50 % do", "50 % font", None),
    ],
)
def test_placeholders_and_markup_are_kept(source: str, target: str, problem: str | None) -> None:
    found = markup_problem(source, target)
    prefix = "placeholders or markup differ from the source text: "
    assert found == (None if problem is None else prefix + problem)
