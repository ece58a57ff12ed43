"""Broken definition files: every problem names the file, the path inside it and what is wrong."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.definition_files import DefinitionFileError, read_definition, validate_files
from tests.helpers import minimal_definition, write_definition

Data = dict[str, Any]


def _problems(tmp_path: Path, breaker: Callable[[Data], None]) -> list[str]:
    data = minimal_definition()
    breaker(data)
    path = write_definition(tmp_path, data)
    with pytest.raises(DefinitionFileError) as caught:
        read_definition(path)
    return [str(p) for p in caught.value.problems]


def _item(data: Data, item_id: str) -> Data:
    return next(i for i in data["items"] if i["id"] == item_id)


def test_minimal_definition_is_valid(tmp_path: Path) -> None:
    path = write_definition(tmp_path, minimal_definition())
    assert read_definition(path).slug == "mini"


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("slug: x\nversion: '1.0'\ntitle: {de: a, en: b\nitems: []\n", encoding="utf-8")
    [problem] = validate_files([path])
    assert problem.file == str(path)
    assert "YAML syntax error" in problem.message
    assert problem.line == 4


@pytest.mark.parametrize(
    ("breaker", "expected"),
    [
        pytest.param(
            lambda d: d.update(colour="blue"), ":colour: unknown key", id="unknown-top-level-key"
        ),
        pytest.param(
            lambda d: _item(d, "leadership.mandate").update(textt="x"),
            ":items[leadership.mandate].textt: unknown key",
            id="unknown-item-key",
        ),
        pytest.param(
            lambda d: _item(d, "services.training")["text"].pop("en"),
            ":items[services.training].text: missing translation for language 'en'",
            id="missing-translation",
        ),
        pytest.param(
            lambda d: d["items"].append(dict(_item(d, "services.training"))),
            ":items[services.training]: duplicate id 'services.training'",
            id="duplicate-item",
        ),
        pytest.param(
            lambda d: d["dimensions"].append(dict(d["dimensions"][0])),
            ":dimensions[leadership]: duplicate id 'leadership'",
            id="duplicate-dimension",
        ),
        pytest.param(
            lambda d: _item(d, "services.training").update(dimension="housing"),
            ":items[services.training].dimension: unknown dimension 'housing'",
            id="unknown-dimension",
        ),
        pytest.param(
            lambda d: _item(d, "services.training").update(scale="frequency"),
            ":items[services.training].scale: unknown scale 'frequency'",
            id="unknown-scale",
        ),
        pytest.param(
            lambda d: d["scales"]["agreement"]["labels"]["en"].pop(),
            ":scales.agreement.labels.en: 4 labels for 5 values",
            id="label-count",
        ),
        pytest.param(
            lambda d: _item(d, "services.training").update(weight=-1),
            ":items[services.training].weight: weight must not be negative, got -1",
            id="negative-weight",
        ),
        pytest.param(
            lambda d: d["dimensions"].append({"id": "housing", "title": {"de": "W", "en": "H"}}),
            ":dimensions[housing]: dimension has no items",
            id="dimension-without-items",
        ),
        pytest.param(
            lambda d: d["scoring"]["bands"].reverse(),
            ":scoring.bands: bands must be sorted by min, ascending",
            id="unsorted-bands",
        ),
        pytest.param(
            lambda d: _item(d, "services.training").update(show_if="housing.rent == 'high'"),
            ":items[services.training].show_if: unknown item 'housing.rent'",
            id="show-if-unknown-item",
        ),
        pytest.param(
            lambda d: _item(d, "services.training").update(show_if="leadership.mandate >="),
            ":items[services.training].show_if: syntax error",
            id="show-if-syntax",
        ),
        pytest.param(
            lambda d: d.update(version="one"),
            ":version: 'one' is not a version",
            id="version-not-a-version",
        ),
        pytest.param(
            lambda d: d.update(version=1.0),
            ":version: 1.0 is not a version string: quote it",
            id="version-unquoted",
        ),
    ],
)
def test_broken_definition(tmp_path: Path, breaker: Callable[[Data], None], expected: str) -> None:
    problems = _problems(tmp_path, breaker)
    assert any(expected in p for p in problems), problems
    assert all(p.startswith(str(tmp_path)) for p in problems), "every problem names the file"


def test_problem_points_to_the_line_of_the_item(tmp_path: Path) -> None:
    data = minimal_definition()
    _item(data, "leadership.mandate")["dimension"] = "housing"
    path = write_definition(tmp_path, data)
    [problem] = validate_files([path])
    line = path.read_text(encoding="utf-8").splitlines()[(problem.line or 0) - 1]
    assert "housing" in line


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    def break_twice(d: Data) -> None:
        _item(d, "services.training")["text"].pop("de")
        _item(d, "leadership.mandate")["dimension"] = "nowhere"

    problems = _problems(tmp_path, break_twice)
    assert len(problems) == 2


def test_yes_and_no_stay_strings(tmp_path: Path) -> None:
    path = tmp_path / "mini" / "1.0.yaml"
    path.parent.mkdir()
    text = write_definition(tmp_path, minimal_definition()).read_text(encoding="utf-8")
    path.write_text(text.replace("id: 'yes'", "id: yes").replace("id: 'no'", "id: no"), "utf-8")
    assert "id: yes" in path.read_text(encoding="utf-8")
    choices = read_definition(path).item("leadership.has_budget").choices or []
    assert [c.id for c in choices] == ["yes", "no"]


def test_project_questionnaires_are_valid() -> None:
    paths = sorted(Path("questionnaires").glob("*/*.yaml"))
    assert {p.parent.name for p in paths} >= {
        "intercultural-integration",
        "intercultural-organisation",
    }
    assert validate_files(paths) == []


def test_exclusive_is_for_multi_choice_only(tmp_path: Path) -> None:
    def break_it(d: Data) -> None:
        _item(d, "leadership.has_budget")["choices"][1]["exclusive"] = True

    [problem] = _problems(tmp_path, break_it)
    assert (
        ":items[leadership.has_budget].choices[no].exclusive: "
        "only multi-choice options can be exclusive"
    ) in problem


def test_a_blank_text_and_the_problems_after_it_in_one_run(tmp_path: Path) -> None:
    def break_it(d: Data) -> None:
        _item(d, "leadership.mandate")["text"]["en"] = " "
        d["scoring"]["overall_of"] = ["leadership", "service"]

    data = minimal_definition()
    break_it(data)
    path = write_definition(tmp_path, data)
    problems = validate_files([path])
    assert [(p.path, p.message) for p in problems] == [
        ("items[leadership.mandate].text.en", "text is blank"),
        ("scoring.overall_of", "unknown dimension, area or index 'service'"),
    ]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "' '" in lines[(problems[0].line or 0) - 1]
    line = problems[1].line or 0
    assert "overall_of" in "\n".join(lines[line - 2 : line])  # the key or its first entry
