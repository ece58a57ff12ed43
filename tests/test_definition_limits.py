"""Definition files from an author we do not trust (issue 8.2): reading, validating and
publishing stay bounded for any input, every number is finite, and each problem is one clear
``file:path: message`` line that never grows with the input."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.definition_files import DefinitionFileError, read_definition
from scoring import DEFINITION_FILE_BYTES, NUMBER_LIMIT, InvalidDefinition, parse_definition
from tests.cli.helpers import Radar
from tests.helpers import minimal_definition, write_definition

Data = dict[str, Any]
OUTSIDE = f"is outside {-NUMBER_LIMIT}..{NUMBER_LIMIT}"


def _problems(path: Path) -> list[str]:
    with pytest.raises(DefinitionFileError) as caught:
        read_definition(path)
    return [str(problem) for problem in caught.value.problems]


def _with_number(tmp_path: Path, place: Callable[[Data], None], literal: str) -> Path:
    """A definition file with ``literal`` written verbatim where ``place`` puts a marker."""
    data = minimal_definition()
    place(data)
    path = write_definition(tmp_path, data)
    path.write_text(path.read_text(encoding="utf-8").replace("-424242", literal))
    return path


def _item(data: Data) -> Data:
    item: Data = data["items"][0]
    return item


PLACES: dict[str, Callable[[Data], None]] = {
    "dimensions[leadership].weight": lambda d: d["dimensions"][0].update(weight=-424242),
    "items[leadership.mandate].weight": lambda d: _item(d).update(weight=-424242),
    "scales.agreement.values[4]": lambda d: d["scales"]["agreement"]["values"].__setitem__(
        4, -424242
    ),
    "items[services.training].min": lambda d: d["items"][3].update(
        type="number", scale=None, min=-424242
    ),
    "items[services.training].max": lambda d: d["items"][3].update(
        type="number", scale=None, max=-424242
    ),
    "scoring.min_coverage": lambda d: d["scoring"].update(min_coverage=-424242),
    "scoring.strength_at": lambda d: d["scoring"].update(strength_at=-424242),
}
LITERALS = {
    ".inf": f"a number too large to store {OUTSIDE}",
    "-.inf": f"a number too small to store {OUTSIDE}",
    ".nan": f"a value that is not a number {OUTSIDE}",
    "1.0e+309": f"a number too large to store {OUTSIDE}",  # beyond float: YAML reads infinity
    "1.0e+16": f"1e+16 {OUTSIDE}",
    "10000000000000000": f"10000000000000000 {OUTSIDE}",
}


@pytest.mark.parametrize("where", sorted(PLACES))
def test_every_number_in_a_definition_is_finite_and_bounded(tmp_path: Path, where: str) -> None:
    for literal, message in LITERALS.items():
        path = _with_number(tmp_path, PLACES[where], literal)
        problems = [p for p in _problems(path) if f":{where}:" in p]
        assert problems, (literal, _problems(path))
        if where.startswith("scoring."):  # already bounded by 0..1 or 0..100
            assert "finite" in problems[0] or "less than or equal" in problems[0], problems
        else:
            assert problems[0].startswith(f"{path}:{where}: {message}"), (literal, problems)


def test_the_limit_itself_is_a_valid_number(tmp_path: Path) -> None:
    data = minimal_definition()
    bounds = {"min": -NUMBER_LIMIT, "max": NUMBER_LIMIT}
    data["items"].append({**_item(data), "id": "leadership.staff", "type": "number", **bounds})
    del data["items"][-1]["scale"]
    data["dimensions"][0]["weight"] = float(NUMBER_LIMIT)
    assert read_definition(write_definition(tmp_path, data)).items[-1].max == NUMBER_LIMIT


def test_nesting_a_thousand_levels_deep(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("slug: deep\ntitle: " + "[" * 1000 + "]" * 1000 + "\n", encoding="utf-8")
    [problem] = _problems(path)
    assert problem.startswith(f"{path}: ")
    assert "nest" in problem
    assert problem.endswith("(line 2)")


def test_nesting_deeper_than_twenty_levels_in_block_style(tmp_path: Path) -> None:
    lines = [f"{'  ' * level}k{level}:" for level in range(25)]
    path = tmp_path / "block.yaml"
    path.write_text("\n".join(lines) + " x\n", encoding="utf-8")
    assert _problems(path) == [f"{path}: nested deeper than 20 levels (line 20)"]


def test_aliases_that_expand_a_small_file_a_billion_times(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 10)]
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _problems(path) == [
        f"{path}: more than 50000 values (counting what aliases repeat) (line 5)"
    ]


def test_merge_keys_that_double_at_every_level(tmp_path: Path) -> None:
    """PyYAML copies merged pairs into the node: 2**40 pairs without the count."""
    lines = ["m0: &m0 {k: v, l: w}"]
    lines += [f"m{n}: &m{n} {{<<: [*m{n - 1}, *m{n - 1}]}}" for n in range(1, 41)]
    path = tmp_path / "merges.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [problem] = _problems(path)  # merged levels count as nesting: refused either way
    assert problem.startswith(f"{path}: ")
    assert "(counting what aliases repeat)" in problem or "nested deeper than 20" in problem


def test_an_alias_inside_its_own_node(tmp_path: Path) -> None:
    path = tmp_path / "cycle.yaml"
    path.write_text("slug: x\ntitle: &t {en: *t}\n", encoding="utf-8")
    assert _problems(path) == [f"{path}: an alias inside the node it refers to (a cycle) (line 2)"]


def test_a_file_larger_than_the_limit_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"slug: x\n" + b"# padding\n" * (DEFINITION_FILE_BYTES // 10))
    assert _problems(path) == [f"{path}: the file is larger than {DEFINITION_FILE_BYTES} bytes"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"slug: " + b"9" * 5000 + b"\n", "YAML value cannot be read: Exceeds the limit"),
        (b"slug: 2027-13-45\n", "YAML value cannot be read: month must be in 1..12"),
        (b"slug: x\ntitle: {en: a\x01b}\n", "YAML syntax error: "),
        (b"slug: x\ntitle: {en: caf\xe9}\n", "cannot read file: not valid UTF-8 (byte 24)"),
    ],
)
def test_values_yaml_cannot_build(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    [problem] = _problems(path)
    assert problem.startswith(f"{path}: {message}"), problem
    assert len(problem) < len(str(path)) + 300


def test_control_characters_written_as_escapes(tmp_path: Path) -> None:
    data = minimal_definition()
    data["title"]["en"] = "Mini\x00"
    data["dimensions"][0]["title"]["de"] = "F\x1bührung"
    path = write_definition(tmp_path, data)
    assert _problems(path) == [
        f"{path}:title.en: contains the control character U+0000 at position 5; "
        "only tabs and line breaks are allowed (line 9)",
        f"{path}:dimensions[leadership].title.de: contains the control character U+001B at "
        "position 2; only tabs and line breaks are allowed (line 38)",
    ]


def test_messages_never_grow_with_the_input(tmp_path: Path) -> None:
    data = minimal_definition()
    data["k" * 100_000] = 1
    data["a\nb: forged"] = 1
    data["version"] = "1" * 100_000
    data["items"][0]["dimension"] = "d" * 100_000
    path = write_definition(tmp_path, data, name="1.0.yaml")
    problems = _problems(path)
    assert all(len(problem) < len(str(path)) + 200 for problem in problems), problems
    assert all("\n" not in problem for problem in problems)
    long_key = f"{path}:'{'k' * 60}…' (100000 characters): unknown key"
    assert any(problem.startswith(long_key) for problem in problems), problems
    assert any("'a\\nb: forged': unknown key" in problem for problem in problems)
    assert any(
        ":version: '" + "1" * 60 + "…' (100000 characters) is not a version" in p for p in problems
    )


def test_problems_are_reported_up_to_a_hundred(tmp_path: Path) -> None:
    data = minimal_definition()
    template = data["items"][0]
    data["items"] = [
        {**template, "id": f"leadership.q{n}", "dimension": f"nowhere{n}"} for n in range(300)
    ]
    problems = _problems(write_definition(tmp_path, data))
    assert len(problems) == 101
    assert problems[-1].endswith(": more problems not shown after the first 100")


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (
            lambda d: d.update(languages=[f"l{a}{b}" for a in "abc" for b in "abcdefghijklmnopq"]),
            "languages",
        ),
        (lambda d: d["title"].update(en="x" * 10_001), "title.en"),
        (lambda d: d.update(version="١.٠"), "version"),
        (lambda d: d["scales"]["agreement"].update(values=list(range(201))), "scales.agreement"),
        (lambda d: d["scoring"].update(min_answered=10**50), "scoring.min_answered"),
    ],
)
def test_collections_and_texts_are_bounded(change: Callable[[Data], None], where: str) -> None:
    data = minimal_definition()
    change(data)
    with pytest.raises(InvalidDefinition) as caught:
        parse_definition(data)
    assert any(p.path.startswith(where) for p in caught.value.problems), caught.value.problems


def test_validate_prints_one_line_per_problem_without_traceback(
    radar: Radar, tmp_path: Path
) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("slug: deep\ntitle: " + "[" * 1000 + "]" * 1000 + "\n", encoding="utf-8")
    infinite = _with_number(tmp_path, PLACES["items[leadership.mandate].weight"], ".inf")
    result = radar("questionnaires", "validate", str(deep), str(infinite))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result.stderr
    assert lines[0].startswith(f"{deep}: ")
    assert lines[1].startswith(
        f"{infinite}:items[leadership.mandate].weight: a number too large to store {OUTSIDE} (line "
    )


@pytest.mark.parametrize("literal", [".inf", ".nan", "1.0e+309"])
def test_load_publishes_nothing_that_is_not_finite(
    radar: Radar, tmp_path: Path, literal: str
) -> None:
    _with_number(tmp_path, PLACES["scales.agreement.values[4]"], literal)
    result = radar("questionnaires", "load", "--directory", str(tmp_path))
    assert result.exit_code == 1
    assert "scales.agreement.values[4]: " in result.stderr
    assert "Traceback" not in result.output
    assert radar("questionnaires", "retire", "mini", "1.0").exit_code == 1  # nothing published


def test_the_longest_slug_and_version_publish_on_every_database(
    radar: Radar, tmp_path: Path
) -> None:
    data = minimal_definition()
    data["slug"] = "s" * 64
    data["version"] = "1." + "2" * 18
    write_definition(tmp_path, data)
    result = radar("questionnaires", "load", "--directory", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert f"{'s' * 64} {data['version']}: created" in result.stdout


def test_a_definition_dumped_by_yaml_reads_back(tmp_path: Path) -> None:
    """The limits leave ordinary files alone: the flagship in seven languages (about 280 KB)
    leaves room for more than twice as many languages under the size limit."""
    for path in sorted(Path("questionnaires").glob("*/*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert len(text.encode()) < DEFINITION_FILE_BYTES / 3
        copy = tmp_path / path.name
        copy.write_text(yaml.safe_dump(yaml.safe_load(text), allow_unicode=True))
        assert read_definition(copy).slug == read_definition(path).slug
