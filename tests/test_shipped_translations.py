"""The shipped translated versions: every text in every language, nothing but texts changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.definition_files import read_definition
from scoring.definition import Definition
from scoring.texts import text_units

ROOT = Path(__file__).resolve().parents[1] / "questionnaires"
SEVEN = {"de", "en", "es", "fr", "it", "pl", "ro"}
TRANSLATED = [
    ("intercultural-organisation", "1.1", "1.0"),
    ("intercultural-integration", "1.1", "1.0"),
]


def _load(slug: str, version: str) -> Definition:
    return read_definition(ROOT / slug / f"{version}.yaml")


@pytest.mark.parametrize(("slug", "version", "base"), TRANSLATED)
def test_every_text_is_in_all_seven_languages(slug: str, version: str, base: str) -> None:
    definition = _load(slug, version)
    assert set(definition.languages) == SEVEN
    units = text_units(definition)
    missing = [
        f"{unit.path} ({lang})"
        for unit in units
        for lang in sorted(SEVEN)
        if not (unit.texts.get(lang) or "").strip()
    ]
    assert missing == []
    assert len(units) == len(text_units(_load(slug, base)))
    for lang in SEVEN - {"en"}:  # written, not copied: few texts equal the English ones
        same = [u.path for u in units if u.texts[lang] == u.texts["en"]]
        assert len(same) <= len(units) // 20, (lang, same)


@pytest.mark.parametrize(("slug", "version", "base"), TRANSLATED)
def test_only_texts_differ_so_rounds_stay_comparable(slug: str, version: str, base: str) -> None:
    new, old = _load(slug, version), _load(slug, base)
    assert base in new.comparable_with
    assert [d.id for d in new.dimensions] == [d.id for d in old.dimensions]
    assert [(i.id, i.type, i.reverse, i.weight) for i in new.items] == [
        (i.id, i.type, i.reverse, i.weight) for i in old.items
    ]
    assert new.scoring.model_dump(exclude={"bands"}) == old.scoring.model_dump(exclude={"bands"})
    old_texts = {u.path: u.texts for u in text_units(old)}
    for unit in text_units(new):  # the old languages keep their words
        assert {lang: unit.texts[lang] for lang in old.languages} == old_texts[unit.path]
