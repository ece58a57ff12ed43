"""Translators' files of a definition's texts: XLSX, gettext PO and XLIFF 1.2.

``radar questionnaires texts export`` writes one (:func:`write_texts`) for translators who work
in a spreadsheet or a CAT tool, never in YAML; ``texts import`` reads it back
(:func:`read_texts`). Each format keeps, per text: its path (``items[x].text``, as validation
problems name it), the source text, a fingerprint of the source (:func:`scoring.source_hash`)
and the translation in each target language. Every format names the questionnaire, its
version and the languages, so that an import knows what the file belongs to.

Files come back from people and tools we do not control: reading is bounded before anything
is parsed (:data:`TEXTS_FILE_BYTES`; for a workbook also what its zip holds,
:data:`WORKBOOK_BYTES`), XML is read with ``defusedxml`` (no DTD, no entities), and whatever is
wrong in a file is collected as :class:`TextProblem` naming the file, the row, line or unit and
the path, so that a translator can fix all of it in one go.
"""

from __future__ import annotations

from pathlib import Path

from app.text_files import po, workbook, xliff
from app.text_files.model import (
    FORMATS,
    Entry,
    TextProblem,
    TextsExport,
    TextsFile,
    TextsFileError,
    format_of,
    read_bounded,
)

__all__ = [
    "FORMATS",
    "Entry",
    "TextProblem",
    "TextsExport",
    "TextsFile",
    "TextsFileError",
    "read_texts",
    "write_texts",
]


def write_texts(export: TextsExport, kind: str) -> bytes:
    """The export in format ``kind`` (one of :data:`FORMATS`)."""
    writers = {"xlsx": workbook.write, "po": po.write, "xliff": xliff.write}
    return writers[kind](export)


def read_texts(path: Path) -> TextsFile:
    """A translator's file, read by the format its suffix names; raises
    :class:`TextsFileError` when it is not one."""
    kind = format_of(path)
    readers = {"xlsx": workbook.read, "po": po.read, "xliff": xliff.read}
    return readers[kind](read_bounded(path), str(path))
