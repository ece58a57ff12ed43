"""``radar questionnaires texts``: translators' files out and back, in XLSX, PO and XLIFF.

The round trips are what a maintainer relies on: an untouched export imports as the same
definition (only the version differs, and it lists the old one as comparable), a filled one
as a new version with the texts that ``radar questionnaires load`` publishes.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from app.definition_files import read_definition
from app.services import questionnaires
from scoring import Definition, parse_definition, text_units, versions_comparable
from tests.cli.helpers import Radar, fails
from tests.cli.texts_files import SUFFIX, fill
from tests.helpers import minimal_definition

FORMATS = ("xlsx", "po", "xliff")
MANDATE = "items[leadership.mandate].text"
FLAGSHIP = Path("questionnaires/intercultural-integration/1.0.yaml")


def normalised_hash(definition: Definition) -> str:
    """The content hash with the version and its comparable versions set aside."""
    return definition.model_copy(update={"version": "0", "comparable_with": []}).content_hash()


def export(radar: Radar, tmp_path: Path, kind: str, *args: str, slug: str = "mini") -> Path:
    path = tmp_path / f"texts{SUFFIX[kind]}"
    args = ("--to", kind, "-o", str(path), *args)
    result = radar("questionnaires", "texts", "export", slug, "1.0", *args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"wrote {path}: the texts of {slug} 1.0 from ")
    return path


def import_(radar: Radar, tmp_path: Path, *files: Path, version: str = "1.1") -> Any:
    output = tmp_path / "mini" / f"{version}.yaml"
    output.parent.mkdir(exist_ok=True)
    args = [str(f) for f in files]
    return radar("questionnaires", "texts", "import", *args, "--as", version, "-o", str(output))


@pytest.mark.parametrize("kind", FORMATS)
def test_untouched_export_imports_as_the_same_definition(
    radar: Radar, loaded: object, tmp_path: Path, kind: str
) -> None:
    """The flagship questionnaire, German source, English target as it is."""
    path = export(radar, tmp_path, kind, slug="intercultural-integration")
    output = tmp_path / "1.9.yaml"
    result = radar("questionnaires", "texts", "import", str(path), "--as", "1.9", "-o", str(output))
    assert result.exit_code == 0, result.output
    original, new = read_definition(FLAGSHIP), read_definition(output)
    assert (new.version, new.comparable_with) == ("1.9", ["1.0"])
    assert normalised_hash(new) == normalised_hash(original)
    assert "comparable with 1.0; publish it with: radar questionnaires load" in result.stdout


@pytest.mark.parametrize("kind", FORMATS)
def test_filled_export_becomes_a_new_version_that_loads(
    radar: Radar, published_minimal: None, tmp_path: Path, kind: str
) -> None:
    path = export(radar, tmp_path, kind, "--target", "fr")
    fill(path, kind, lambda p, language, source: f"{source} ({language})")
    assert import_(radar, tmp_path, path).exit_code == 0
    new = read_definition(tmp_path / "mini" / "1.1.yaml")
    assert new.languages == ["de", "en", "fr"]
    assert new.item("leadership.has_budget").text["fr"] == "Budget? (fr)"
    assert new.scales["agreement"].labels["fr"][4] == "fully (fr)"
    assert new.dimension("leadership").recommendations["fr"] == ["Do something (fr)"]
    assert all(unit.texts["fr"] == unit.texts["en"] + " (fr)" for unit in text_units(new))
    old = Definition.model_validate(minimal_definition())
    assert versions_comparable(old, new)

    shutil.copy("tests/scoring/minimal.yaml", tmp_path / "mini" / "1.0.yaml")
    loaded = radar("questionnaires", "load", "--directory", str(tmp_path))
    assert loaded.stdout == "mini 1.0: unchanged\nmini 1.1: created\n", loaded.output


def test_xlsx_and_xliff_carry_several_targets_po_one(
    radar: Radar, published_minimal: None, tmp_path: Path
) -> None:
    for kind in ("xlsx", "xliff"):
        path = export(radar, tmp_path, kind, "--target", "fr", "--target", "pl")
        fill(path, kind, lambda p, language, source: f"{language}: {source}")
        assert import_(radar, tmp_path, path, version=f"1.{len(kind)}").exit_code == 0
        new = read_definition(tmp_path / "mini" / f"1.{len(kind)}.yaml")
        assert new.languages == ["de", "en", "fr", "pl"]
        assert new.title["pl"] == "pl: Mini"
    refused = radar("questionnaires", "texts", "export", "mini", "1.0", "--to", "po",
                    "--target", "fr", "--target", "pl")  # fmt: skip
    fails(refused, "a PO file holds one target language, not 2 (fr, pl): "
                   "export one file per target language")  # fmt: skip


def test_po_files_of_one_export_import_together(
    radar: Radar, published_minimal: None, tmp_path: Path
) -> None:
    files = []
    for language in ("fr", "it"):
        path = tmp_path / f"{language}.po"
        args = ("texts", "export", "mini", "1.0", "--to", "po", "--target", language)
        assert radar("questionnaires", *args, "-o", str(path)).exit_code == 0
        fill(path, "po", lambda p, lang, source: f"{source} [{lang}]")
        files.append(path)
    assert import_(radar, tmp_path, *files).exit_code == 0
    new = read_definition(tmp_path / "mini" / "1.1.yaml")
    assert (new.title["fr"], new.title["it"]) == ("Mini [fr]", "Mini [it]")


def test_export_refuses_bad_choices(radar: Radar, published_minimal: None, tmp_path: Path) -> None:
    def export_args(*args: str) -> Any:
        return radar("questionnaires", "texts", "export", *args, "-o", str(tmp_path / "x.xlsx"))

    fails(export_args("mini", "9.9", "--to", "xlsx"), "no version '9.9' of questionnaire 'mini'")
    fails(export_args("mini", "1.0", "--to", "xlsx", "--target", "French"),
          "target language 'French' is not a language code like fr or pt-BR")  # fmt: skip
    fails(export_args("mini", "1.0", "--to", "xlsx", "--target", "en"),
          "target language en is the source language")  # fmt: skip
    fails(export_args("mini", "1.0", "--to", "xlsx", "--source", "fr"),
          "source language 'fr' is not one of the languages of mini 1.0: de, en")  # fmt: skip
    wrong = radar("questionnaires", "texts", "export", "mini", "1.0", "--to", "csv")
    assert wrong.exit_code == 2
    assert "'csv' is not one of 'xlsx', 'po'," in wrong.output
    assert export_args("mini", "1.0", "--to", "xlsx").exit_code == 0
    fails(export_args("mini", "1.0", "--to", "xlsx"),
          f"{tmp_path / 'x.xlsx'} exists already; give another file or --force")  # fmt: skip


def test_import_refuses_a_published_version_number(
    radar: Radar, published_minimal: None, tmp_path: Path
) -> None:
    path = export(radar, tmp_path, "xlsx")
    output = tmp_path / "mini" / "1.0.yaml"
    message = "mini 1.0 is already published: give the translated version a new version number"
    fails(import_(radar, tmp_path, path, version="1.0"), message)
    assert not output.exists()


def test_import_names_every_problem_by_row_and_writes_nothing(
    radar: Radar, published_minimal: None, session: Session, tmp_path: Path
) -> None:
    """Merged into a later version (--base) whose training question changed since."""
    later = minimal_definition()
    later["version"] = "1.2"
    later["items"][-1]["text"]["en"] = "Training for staff?"
    questionnaires.publish(session, parse_definition(later))
    session.commit()
    path = export(radar, tmp_path, "xlsx", "--target", "fr")
    fill(path, "xlsx", lambda p, language, source: "" if p == MANDATE else f"{source} (fr)")
    output = tmp_path / "mini" / "1.3.yaml"
    result = radar("questionnaires", "texts", "import", str(path), "--as", "1.3", "--base", "1.2")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{path}: row 12: {MANDATE}: missing fr translation",
        f"{path}: row 17: items[services.training].text: the source text changed since the "
        "export; it now reads 'Training for staff?'",
        "error: 2 problems; nothing written",
    ]
    assert not output.exists()


def test_problems_of_the_new_definition_are_traced_to_their_line(
    radar: Radar, published_minimal: None, tmp_path: Path
) -> None:
    path = export(radar, tmp_path, "po", "--target", "fr")
    long = "x" * 10_001
    fill(path, "po", lambda p, language, source: long if p == "title" else f"{source} (fr)")
    result = import_(radar, tmp_path, path)
    assert result.exit_code == 1
    line = path.read_text(encoding="utf-8").splitlines().index('msgctxt "title"') + 2
    assert result.stderr.splitlines() == [
        f"{path}: line {line}: title: string should have at most 10000 characters",
        "error: 1 problem; nothing written",
    ]


def test_export_names_its_file_and_languages(
    radar: Radar, published_minimal: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for kind in FORMATS:
        result = radar("questionnaires", "texts", "export", "mini", "1.0", "--to", kind)
        name = "mini-1.0-de.po" if kind == "po" else f"mini-1.0-texts{SUFFIX[kind]}"
        assert result.stdout == f"wrote {name}: the texts of mini 1.0 from en to de\n"
        assert (tmp_path / name).stat().st_size > 0


def test_import_refuses_a_bad_version_number_or_unreadable_files(
    radar: Radar, published_minimal: None, tmp_path: Path
) -> None:
    path = export(radar, tmp_path, "po", "--target", "fr")
    fill(path, "po", lambda p, language, source: f"{source} (fr)")
    output = tmp_path / "mini" / "abc.yaml"
    bad_version = import_(radar, tmp_path, path, version="abc")
    assert bad_version.stderr.splitlines() == [
        f'{output}: version: \'abc\' is not a version like "1.0" or "2.1.3"',
        "error: 1 problem; nothing written",
    ]
    missing = tmp_path / "missing.po"
    unreadable = import_(radar, tmp_path, path, missing)
    assert unreadable.stderr.splitlines() == [
        f"{missing}: cannot read file: No such file or directory",
        "error: 1 problem; nothing written",
    ]
    assert not output.exists()
