"""The export's precompiled answer cells (:mod:`app.services.export_rows`) are the cells the
per-cell rules give: code or label (:func:`label_of`), ``hidden: ...`` for an answer a show_if
hides (:func:`not_counted`), neutralised for CSV (:func:`neutralise`); for every questionnaire
shipped, in codes and in each language, for synthetic answers and for odd stored values."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from app.definition_files import read_definition
from app.services import synthetic
from app.services.answer_records import not_counted
from app.services.export_rows import CsvCells, label_of, row_plan
from app.services.spreadsheet import neutralise
from app.settings import PROJECT_ROOT
from scoring import Definition, ItemType, parse_definition
from tests.helpers import minimal_definition

DEFINITIONS = sorted((PROJECT_ROOT / "questionnaires").glob("*/*.yaml"))


def _per_cell(definition: Definition, language: str | None, answers: dict[str, Any]) -> list[Any]:
    """The rule cell by cell, as the export applied it before the plan."""
    reasons = not_counted(definition, answers)
    cells: list[Any] = []
    for item in definition.items:
        value = answers.get(item.id)
        if value is not None:
            if language is not None:
                value = label_of(definition, item, value, language)
            elif isinstance(value, list):
                value = ";".join(str(one) for one in value)
            reason = reasons.get(item.id)
            if reason is not None:
                value = f"{reason}: {value}"
        cells.append(value)
    return cells


ODD_TEXTS = ("=cmd()", "-3", "+1", "@x", "\tx", "\rx", "\nx", "\x00x", "\u00e4=", "[x]", 'say "hi"')
ODD = (True, False, 1.0, 2.5, -0.0, 2**70, "na", "1", "", 0, {"x": [1]}, [[1]], [-3, "a"], [-3])


def odd_answers(definition: Definition, rng: random.Random) -> dict[str, Any]:
    """Stored values an old version, an API client or a hand edit may have left."""
    odd: list[Any] = [*ODD, *ODD_TEXTS]
    answers: dict[str, Any] = {"no.such.item": "=1"}
    for item in definition.items:
        if item.type in (ItemType.SINGLE_CHOICE, ItemType.MULTI_CHOICE) and item.choices:
            ids = [choice.id for choice in item.choices]
            answers[item.id] = rng.choice([ids, [ids[0], 7, True], rng.choice(ids), [], *odd])
        else:
            answers[item.id] = rng.choice([*odd, None, ["a", 1], {"x": 1}])
    return answers


def _typed(cells: list[Any]) -> list[tuple[type, Any]]:
    """Cells with their types: 1 and 1.0 and True are equal, but not the same cell."""
    return [(type(cell), cell) for cell in cells]


@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda path: f"{path.parent.name}-{path.stem}")
def test_the_plan_gives_the_per_cell_rules_cells(path: Any) -> None:
    definition = read_definition(path)
    rng = random.Random(7)
    profile = synthetic.organisation_profile(definition, rng)
    answer_sets = [synthetic.answers_for(definition, profile, rng) for _ in range(30)]
    answer_sets += [odd_answers(definition, rng) for _ in range(30)]
    answer_sets.append({})
    for language in [None, *sorted(definition.languages)]:
        plan = row_plan(definition, language)
        assert row_plan(definition, language) is plan  # built once per definition
        for answers in answer_sets:
            expected = _per_cell(definition, language, answers)
            assert _typed(plan.answer_cells(answers, neutralised=False)) == _typed(expected)
            assert _typed(plan.answer_cells(answers, neutralised=True)) == _typed(
                [neutralise(cell) for cell in expected]
            )
    # one odd value among ordinary answers: a formula start or a list where none is expected
    # must not pass as an ordinary cell
    for item in definition.items[::7]:
        for value in (*ODD_TEXTS, *ODD):
            answer_sets.append({**rng.choice(answer_sets[:30]), item.id: value})
    for language in [None, *sorted(definition.languages)]:
        cells = CsvCells(row_plan(definition, language))
        for answers in answer_sets * 2:  # the second time, the hidden items are remembered
            expected = [neutralise(cell) for cell in _per_cell(definition, language, answers)]
            for stored in (json.dumps(answers), json.dumps(answers, ensure_ascii=False)):
                assert _typed(cells(stored)) == _typed(expected), stored
    hidden = [
        cells
        for cells in answer_sets
        if any(r == "hidden" for r in not_counted(definition, cells).values())
    ]
    assert hidden, "some answers hidden by a show_if"


def test_csv_cells_neutralise_labels_and_joined_choices() -> None:
    """Labels and joined choices that start a formula are neutralised; an answer of a type the
    labels would read otherwise (an object, ``true``) is looked at as a whole."""
    data = minimal_definition()
    data["scales"]["agreement"]["labels"]["en"] = ["-", "=1", "+x", "@x", "fully"]
    data["items"].append(
        {
            "id": "services.channels",
            "dimension": "services",
            "type": "multi_choice",
            "text": {"de": "Wege?", "en": "Channels?"},
            "choices": [
                {"id": "a", "label": {"de": "A", "en": "=A"}, "score": 50},
                {"id": "b", "label": {"de": "B", "en": "B"}, "score": 50},
            ],
        }
    )
    definition = parse_definition(data)
    base = {"leadership.has_budget": "yes", "leadership.budget_size": 1, "services.training": 2}
    answer_sets = [
        {**base, "leadership.mandate": mandate, "services.channels": channels}
        for mandate in (0, 1, 2, 3, 4, "na", 2.0, True, {"x": 1}, None)
        for channels in (["a", "b"], ["b", "a"], [-3], ["-", "b"], [], None)
    ]
    answer_sets += [{**answers, "leadership.has_budget": "no"} for answers in answer_sets]
    for language in (None, "en", "de"):
        cells = CsvCells(row_plan(definition, language))
        for answers in answer_sets:
            expected = [neutralise(cell) for cell in _per_cell(definition, language, answers)]
            assert _typed(cells(json.dumps(answers))) == _typed(expected), (language, answers)
