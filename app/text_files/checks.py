"""What an import checks in translators' files against the version they translate.

Every problem is collected, each naming its file, row, line or unit and path, so that one
round with the translator fixes all of them:

- the files belong together (one questionnaire, version and source language) and each target
  language comes from one file only; a target is a language code and not the source;
- each row names a text the version has (unknown paths are refused) and only once;
- the source text is the one exported: the fingerprint in the file is compared with the
  version's text now (changed since the export) and with the file's own source column (edited
  in the file: source texts are changed in the definition, not in a translation);
- a translation is there (not blank) for every text and target language, and keeps the
  source's placeholders and markup (:func:`scoring.markup_problem`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from pydantic import TypeAdapter, ValidationError

from app.text_files.model import Entry, TextProblem, TextsFile, named
from scoring import Definition, LanguageCode, markup_problem, shorten, source_hash, text_units

Translations = dict[str, dict[str, str]]
"""``{path: {language: text}}``, as :func:`scoring.translated_data` takes them."""

_LANGUAGE: TypeAdapter[str] = TypeAdapter(LanguageCode)
_IN_DEFINITION = re.compile(
    r"^(?P<field>.*)\.(?P<language>[a-z]{2,3}(?:-[A-Z]{2})?)(?P<entry>\[\d+\])?$"
)


def check_files(
    base: Definition, files: Sequence[TextsFile]
) -> tuple[Translations, list[TextProblem]]:
    """The translations in ``files`` for ``base``, and every problem with them."""
    problems = [problem for file in files for problem in file.problems]
    belonging = _check_belonging(base, files)
    if belonging:
        return {}, problems + belonging
    units = {unit.path: unit.texts for unit in text_units(base)}
    translations: Translations = {}
    seen: dict[tuple[str, str], str] = {}
    for file in files:
        for entry in file.entries:
            problem = _check_entry(base, file, entry, units, seen)
            if problem is not None:
                problems.append(TextProblem(file.name, entry.where, entry.path, problem))
            else:
                translations.setdefault(entry.path, {})[entry.language] = entry.text.strip()
        flagged = {problem.path for problem in file.problems}  # named already
        for language in file.targets:
            for path in units:
                if (path, language) not in seen and path not in flagged:
                    message = f"no {language} translation: the file has no row for this text"
                    problems.append(TextProblem(file.name, "", path, message))
    return translations, problems


def _check_belonging(base: Definition, files: Sequence[TextsFile]) -> list[TextProblem]:
    problems: list[TextProblem] = []
    first = files[0]
    targets: dict[str, str] = {}
    for file in files:
        origin = (file.slug, file.version, file.source_language)
        if origin != (first.slug, first.version, first.source_language):
            message = f"exported from {_origin(file)}, but {first.name} from {_origin(first)}"
            problems.append(TextProblem(file.name, "", "", message))
        if file.source_language not in base.languages:
            message = (
                f"source language {shorten(file.source_language)} is not one of the "
                f"languages of {base.slug} {base.version}: {', '.join(base.languages)}"
            )
            problems.append(TextProblem(file.name, "", "", message))
        if not file.targets:
            problems.append(TextProblem(file.name, "", "", "the file names no target language"))
        for language in file.targets:
            wrong = target_problem(language, file.source_language, targets.get(language))
            if wrong:
                problems.append(TextProblem(file.name, "", "", wrong))
            targets.setdefault(language, file.name)
    return problems


def _origin(file: TextsFile) -> str:
    slug, version, source = (named(x, 60) for x in (file.slug, file.version, file.source_language))
    return f"{slug} {version} ({source})"


def target_problem(language: str, source: str, other_file: str | None = None) -> str | None:
    """Why ``language`` cannot be a target language of a translation from ``source`` (that
    ``other_file`` already translates into it), or None."""
    try:
        _LANGUAGE.validate_python(language)
    except ValidationError:
        return f"target language {shorten(language)} is not a language code like fr or pt-BR"
    if language == source:
        return f"target language {language} is the source language"
    if other_file is not None:
        return f"target language {language} comes from {other_file} too"
    return None


def _check_entry(
    base: Definition,
    file: TextsFile,
    entry: Entry,
    units: Mapping[str, Mapping[str, str]],
    seen: dict[tuple[str, str], str],
) -> str | None:
    if not entry.path:
        return "the row names no path"
    if entry.path not in units:
        return f"unknown path: {base.slug} {base.version} has no such text"
    key = (entry.path, entry.language)
    if key in seen:
        return (
            f"the {entry.language} translation of this text is given twice (first at {seen[key]})"
        )
    seen[key] = entry.where
    source = units[entry.path].get(file.source_language, "")
    if not entry.source_hash:
        return "the fingerprint of the source text is missing: keep it as exported"
    if entry.source_hash != source_hash(source):
        return f"the source text changed since the export; it now reads {shorten(source)}"
    if source_hash(entry.source) != entry.source_hash:
        return (
            "the source text was edited in the file; source texts change in the "
            "definition, so restore it and translate the text as exported"
        )
    if not entry.text.strip():
        return f"missing {entry.language} translation"
    return markup_problem(source, entry.text)


def locate(problem_path: str, files: Sequence[TextsFile]) -> tuple[str, str, str] | None:
    """The file, row and text path of the entry behind a validation problem of the merged
    definition (``items[x].text.fr`` was written from row ...), or None."""
    match = _IN_DEFINITION.match(problem_path)
    if match is None:
        return None
    path = match.group("field") + (match.group("entry") or "")
    for file in files:
        for entry in file.entries:
            if entry.path == path and entry.language == match.group("language"):
                return file.name, entry.where, path
    return None
