"""``radar questionnaires`` and ``radar db``: exit codes and messages an operator can act on."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.helpers import Radar, fails
from tests.helpers import minimal_definition, write_definition


def test_validate_clean_files(radar: Radar) -> None:
    paths = [str(p) for p in sorted(Path("questionnaires").glob("*/*.yaml"))]
    result = radar("questionnaires", "validate", *paths)
    assert result.exit_code == 0, result.output
    assert f"{len(paths)} file(s) valid" in result.output


def test_validate_prints_every_problem_and_exits_1(radar: Radar, tmp_path: Path) -> None:
    data = minimal_definition()
    data["colour"] = "red"
    data["items"][0]["dimension"] = "nowhere"
    path = write_definition(tmp_path, data)
    result = radar("questionnaires", "validate", str(path))
    assert result.exit_code == 1
    assert f"{path}:colour: unknown key" in result.output


def test_load_is_idempotent_and_refuses_changes(radar: Radar, tmp_path: Path) -> None:
    write_definition(tmp_path, minimal_definition())
    first = radar("questionnaires", "load", "--directory", str(tmp_path))
    assert first.exit_code == 0
    assert "mini 1.0: created" in first.output
    assert (
        "mini 1.0: unchanged"
        in radar("questionnaires", "load", "--directory", str(tmp_path)).output
    )

    changed = minimal_definition()
    changed["title"]["de"] = "Anders"
    write_definition(tmp_path, changed)
    refused = radar("questionnaires", "load", "--directory", str(tmp_path))
    assert refused.exit_code == 1
    assert "already published with different content" in refused.output


def test_retire(radar: Radar, tmp_path: Path) -> None:
    write_definition(tmp_path, minimal_definition())
    radar("questionnaires", "load", "--directory", str(tmp_path))
    assert "mini 1.0: retired" in radar("questionnaires", "retire", "mini", "1.0").output
    unknown = radar("questionnaires", "retire", "mini", "4.0")
    fails(unknown, "no version '4.0' of questionnaire 'mini'")


def test_schema_is_json_schema(radar: Radar) -> None:
    schema = json.loads(radar("questionnaires", "schema").output)
    assert schema["title"] == "Integration Radar questionnaire definition"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "items" in schema["properties"]
    assert schema["additionalProperties"] is False


def test_db_upgrade_and_current(radar: Radar) -> None:
    assert radar("db", "upgrade").exit_code == 0
    assert "up to date" in radar("db", "current").output
