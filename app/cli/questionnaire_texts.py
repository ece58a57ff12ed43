"""``radar questionnaires texts``: a version's texts out to translators and back.

Translators work in a spreadsheet (XLSX) or a CAT tool (PO, XLIFF 1.2), never in YAML. The
export names every text by its path; the import writes a new definition file with the
translations, validated, or names every problem by file, row (line, unit) and path and writes
nothing. Neither command overwrites a file unless told to (``--force``): a translator's filled
file or a definition file may be all the work there is.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from app.cli.common import fail, read_session, say
from app.services import questionnaire_texts as service
from app.settings import get_settings
from app.text_files import TextsFile, TextsFileError, read_texts
from app.text_files.model import TextProblem

app = typer.Typer(help="Translate a questionnaire's texts: export, import.", no_args_is_help=True)


class TextFormat(StrEnum):
    XLSX = "xlsx"
    PO = "po"
    XLIFF = "xliff"


_SUFFIX = {TextFormat.XLSX: ".xlsx", TextFormat.PO: ".po", TextFormat.XLIFF: ".xlf"}


@app.command("export")
def export_texts(
    slug: str = typer.Argument(..., metavar="SLUG"),
    version: str = typer.Argument(..., metavar="VERSION"),
    to: TextFormat = typer.Option(..., "--to", help="xlsx (spreadsheet), po or xliff (CAT)"),
    target: list[str] = typer.Option(
        [], "--target", help="A language to translate into (repeat); default: the others"
    ),
    source: str | None = typer.Option(None, help="Default: the default language"),
    output: Path | None = typer.Option(None, "--output", "-o", help="Default: SLUG-VERSION.EXT"),
    force: bool = typer.Option(False, "--force", help="Replace an existing output file"),
) -> None:
    """Write every text of a published version with its path, source and target columns."""
    with read_session() as session:
        exported = service.export_texts(session, slug, version, to.value, target, source)
    languages = exported.targets[0] if to is TextFormat.PO else "texts"
    path = output or Path(f"{slug}-{version}-{languages}{_SUFFIX[to]}")
    _write(path, exported.content, force=force)
    targets = ", ".join(exported.targets)
    say(f"wrote {path}: the texts of {slug} {version} from {exported.source} to {targets}")


@app.command("import")
def import_texts(
    files: list[Path] = typer.Argument(
        ..., metavar="FILE", help="Translated files of one export (any format)"
    ),
    new_version: str = typer.Option(
        ..., "--as", metavar="NEW_VERSION", help="The version number of the new version"
    ),
    base: str | None = typer.Option(None, help="Merge into this version (default: exported)"),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Default: RADAR_QUESTIONNAIRES_DIR/SLUG/NEW_VERSION.yaml"
    ),
    force: bool = typer.Option(False, "--force", help="Replace an existing output file"),
) -> None:
    """Write a new definition file with the translations, validated; name every problem."""
    texts, problems = _read_all(files)
    if not problems:
        with read_session() as session:
            slug = texts[0].slug
            path = output or get_settings().questionnaires_dir / slug / f"{new_version}.yaml"
            try:
                imported = service.import_texts(session, texts, new_version, str(path), base)
            except TextsFileError as exc:
                problems = exc.problems
    if problems:
        for problem in problems:
            say(problem, err=True)
        count = f"{len(problems)} problem" + ("" if len(problems) == 1 else "s")
        raise fail(f"{count}; nothing written")
    _write(path, imported.text.encode("utf-8"), force=force)
    new = imported.definition
    say(
        f"wrote {path}: {new.slug} {new.version} in {', '.join(new.languages)}, comparable "
        f"with {imported.base.version}; publish it with: radar questionnaires load"
    )


def _read_all(paths: list[Path]) -> tuple[list[TextsFile], list[TextProblem]]:
    """Every file read, and the problems of all of them (not just the first's)."""
    texts: list[TextsFile] = []
    problems: list[TextProblem] = []
    for path in paths:
        try:
            texts.append(read_texts(path))
        except TextsFileError as exc:
            problems.extend(exc.problems)
    return texts, problems


def _write(path: Path, content: bytes, *, force: bool) -> None:
    try:
        with path.open("wb" if force else "xb") as target:
            target.write(content)
    except FileExistsError:
        raise fail(f"{path} exists already; give another file or --force") from None
    except OSError as exc:
        raise fail(f"cannot write {path}: {exc.strerror}") from None
