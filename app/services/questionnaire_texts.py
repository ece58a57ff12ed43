"""The translation workflow: a published version's texts out to translators, back as a new
version.

:func:`export_texts` writes every translatable text of a published version
(:func:`scoring.text_units`) with its path, the source text and the target languages' texts
where they exist, as XLSX, PO or XLIFF (:mod:`app.text_files`). :func:`import_texts` reads the
files back, checks them against the version they were exported from, or a later ``base``
(:mod:`app.text_files.checks`), merges the translations (:func:`scoring.translated_data`) and
validates the new definition file exactly as ``radar questionnaires load`` will. It reads the
database only: the caller writes the file, and publishing stays ``load``'s job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from app.definition_files import DefinitionFileError, definition_from_text, dump_definition
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_, Message
from app.services import questionnaires
from app.text_files import TextsExport, TextsFile, TextsFileError, write_texts
from app.text_files.checks import check_files, locate, target_problem
from app.text_files.model import TextProblem
from scoring import Definition, shorten, text_units, translated_data

SOURCE_NOT_OFFERED = N_(
    "source language %(source)s is not one of the languages of %(slug)s %(version)s: %(languages)s"
)
ONE_TARGET_PER_PO = N_(
    "a PO file holds one target language, not %(count)s (%(targets)s): export one file per "
    "target language"
)
NO_TARGET = N_("no language besides %(source)s to translate into: name the targets")
TARGET_TWICE = N_("a target language is named twice: %(targets)s")
TRANSLATION_PUBLISHED = N_(
    "%(slug)s %(version)s is already published: give the translated version a new version number"
)


def export_texts(
    session: Session,
    slug: str,
    version: str,
    kind: str,
    targets: Sequence[str] = (),
    source: str | None = None,
) -> Exported:
    """The texts of a published version as a file of format ``kind``.

    ``source`` defaults to the version's default language, ``targets`` to its other
    languages; a target it does not have yet gets empty cells. A PO file holds one target.
    """
    definition = questionnaires.definition_of(questionnaires.get_version(session, slug, version))
    source = source or definition.default_language
    if source not in definition.languages:
        raise InvalidInput(
            Message(
                SOURCE_NOT_OFFERED,
                source=shorten(source),
                slug=slug,
                version=version,
                languages=", ".join(definition.languages),
            )
        )
    chosen = tuple(targets) or tuple(x for x in definition.languages if x != source)
    _check_targets(chosen, source)
    if kind == "po" and len(chosen) != 1:
        raise InvalidInput(Message(ONE_TARGET_PER_PO, count=len(chosen), targets=", ".join(chosen)))
    export = TextsExport(slug, version, source, chosen, text_units(definition))
    return Exported(write_texts(export, kind), source, chosen)


@dataclass(frozen=True)
class Exported:
    """A texts file and the languages it was written for."""

    content: bytes
    source: str
    targets: tuple[str, ...]


def _check_targets(targets: Sequence[str], source: str) -> None:
    if not targets:
        raise InvalidInput(Message(NO_TARGET, source=source))
    for language in targets:
        problem = target_problem(language, source)
        if problem:
            raise InvalidInput(problem)
    if len(set(targets)) != len(targets):
        raise InvalidInput(Message(TARGET_TWICE, targets=" ".join(targets)))


@dataclass(frozen=True)
class Imported:
    """A new version with the translations, and its definition file's text."""

    definition: Definition
    base: Definition
    text: str


def import_texts(
    session: Session,
    files: Sequence[TextsFile],
    new_version: str,
    output_name: str,
    base_version: str | None = None,
) -> Imported:
    """The new version ``new_version`` of the questionnaire the files were exported from.

    Its base is the exported version, or ``base_version`` of the same questionnaire (texts
    changed or removed since are then refused with their rows). Raises
    :class:`~app.text_files.TextsFileError` naming every problem, of the files or of the new
    definition (as ``output_name``), and :class:`~app.errors.Conflict` for a version number
    already published.
    """
    first = files[0]
    base_row = questionnaires.get_version(session, first.slug, base_version or first.version)
    base = questionnaires.definition_of(base_row)
    try:
        questionnaires.get_version(session, base.slug, new_version)
    except NotFound:
        pass
    else:
        raise Conflict(Message(TRANSLATION_PUBLISHED, slug=base.slug, version=new_version))
    translations, problems = check_files(base, files)
    if problems:
        raise TextsFileError(problems)
    data = translated_data(base, new_version, translations)
    names = ", ".join(Path(file.name).name for file in files)  # no local folders in it
    comment = (
        f"{base.slug} {new_version}: {base.slug} {base.version} with the translations of "
        f"{names}\n(written by radar questionnaires texts import; published versions never "
        "change)"
    )
    text = dump_definition(data, comment)
    try:
        definition = definition_from_text(text, output_name)
    except DefinitionFileError as exc:
        raise TextsFileError(
            [_traced(p.path, p.message, output_name, files) for p in exc.problems]
        ) from None
    return Imported(definition, base, text)


def _traced(path: str, message: str, output_name: str, files: Sequence[TextsFile]) -> TextProblem:
    """A problem of the new definition, named by the row it came from where there is one."""
    found = locate(path, files)
    if found is None:
        return TextProblem(output_name, "", path, message)
    file, where, unit_path = found
    return TextProblem(file, where, unit_path, message)
