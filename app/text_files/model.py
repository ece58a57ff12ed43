"""The data of translators' files, shared by the formats: what an export holds, what an import
reads, and the problems found on the way (see :mod:`app.text_files`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scoring import DEFINITION_FILE_BYTES, DEFINITION_NODES, TextUnit, shorten

FORMAT_NAME = "integration-radar texts 1"
"""Names the kind of file in each format (a workbook's About sheet, a PO header, XLIFF notes)."""

TEXTS_FILE_BYTES = 4 * DEFINITION_FILE_BYTES
"""A translator's file: its texts make at most one definition file (each language of a text in
it), plus the format's own markup around each text, which can take as much room again."""
WORKBOOK_BYTES = 4 * TEXTS_FILE_BYTES
"""What a workbook's zip may hold unpacked (XLSX XML is wordy); beyond it, a zip bomb."""
MAX_ROWS = DEFINITION_NODES
"""Rows, messages or units of one file: a definition cannot hold more texts than values."""

FORMATS = ("xlsx", "po", "xliff")
SUFFIXES = {".xlsx": "xlsx", ".po": "po", ".xlf": "xliff", ".xliff": "xliff"}


@dataclass(frozen=True)
class TextsExport:
    """What an export writes: the texts of one version, with their source and targets."""

    slug: str
    version: str
    source_language: str
    targets: tuple[str, ...]
    units: Sequence[TextUnit]


@dataclass(frozen=True)
class Entry:
    """One translation read from a file: ``where`` is its row, line or unit, for messages."""

    where: str
    path: str
    language: str
    text: str
    source: str
    source_hash: str


@dataclass(frozen=True)
class TextProblem:
    """Something wrong with a translator's file, named as the translator can find it: the
    file, the row, line or unit (``where``) and the text's path (once, where the unit id is it)."""

    file: str
    where: str
    path: str
    message: str

    def __str__(self) -> str:
        path = self.path if self.path and self.path not in self.where else ""
        place = ": ".join(named(part) for part in (self.file, self.where, path) if part)
        return f"{place}: {self.message}"


@dataclass
class TextsFile:
    """A translator's file as read: the export it came from, its entries, and what is wrong
    in it already (a formula cell, a fuzzy message) beside the checks against the definition."""

    name: str
    slug: str
    version: str
    source_language: str
    targets: tuple[str, ...]
    entries: list[Entry] = field(default_factory=list)
    problems: list[TextProblem] = field(default_factory=list)


class TextsFileError(ValueError):
    """A file that cannot be read as a translator's file (wrong kind, too large, broken)."""

    def __init__(self, problems: Sequence[TextProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def refuse(name: str, message: str, where: str = "") -> TextsFileError:
    """The error for a whole file that cannot be read, naming it."""
    return TextsFileError([TextProblem(name, where, "", message)])


def format_of(path: Path) -> str:
    """The format a file name's suffix says, or an error naming the suffixes known."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(SUFFIXES))
        raise refuse(str(path), f"unknown kind of file {shorten(path.suffix)}; known: {known}")
    return kind


def read_bounded(path: Path) -> bytes:
    """The file's bytes, refusing more than :data:`TEXTS_FILE_BYTES` without reading on."""
    try:
        with path.open("rb") as source:
            raw = source.read(TEXTS_FILE_BYTES + 1)
    except OSError as exc:
        raise refuse(str(path), f"cannot read file: {exc.strerror}") from None
    if len(raw) > TEXTS_FILE_BYTES:
        raise refuse(str(path), f"the file is larger than {TEXTS_FILE_BYTES} bytes")
    return raw


def named(value: str, limit: int = 200) -> str:
    """A name from a file as it is, unless it is long or holds control characters: then
    quoted and abbreviated, so that a hostile file cannot flood or forge the report."""
    return value if value.isprintable() and len(value) <= limit else shorten(value, limit)


def cell_text(value: object) -> str:
    """A value a tool handed back as the text it shows (numbers as written, nothing as "")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
