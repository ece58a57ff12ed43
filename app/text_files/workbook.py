"""Texts as an XLSX workbook (openpyxl), for translators who work in a spreadsheet.

Sheet "Texts": a header row ``path | hash | <source> | <target> ...`` and one row per text;
columns are found by their header, so a translator may reorder or widen them. Sheet "About"
names the questionnaire, version and languages and tells the translator what to do. Every text
is stored with the text type, so a text starting with ``=`` stays a text (never a formula, see
:mod:`app.services.spreadsheet`); a formula typed into a cell is refused on import.

A workbook is a zip: before openpyxl opens it, the zip's directory is checked against
:data:`~app.text_files.model.WORKBOOK_BYTES` unpacked (Python's zipfile never unpacks more than
a member declares), and openpyxl reads in read-only mode, parsing XML through defusedxml.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font

from app.text_files.model import (
    FORMAT_NAME,
    MAX_ROWS,
    WORKBOOK_BYTES,
    Entry,
    TextProblem,
    TextsExport,
    TextsFile,
    cell_text,
    refuse,
)
from scoring import source_hash

TEXTS_SHEET = "Texts"
ABOUT_SHEET = "About"
MAX_MEMBERS = 100
_ABOUT_KEYS = ("format", "questionnaire", "version", "source language", "target languages")
_WIDTHS = {"path": 38, "hash": 12}
INSTRUCTIONS = (
    "Write the translation of each text in the column of its language on sheet Texts. "
    "Leave the columns path, hash and the source language as they are, and keep this sheet: "
    "they tell the import which text each row translates and whether it changed since."
)


def write(export: TextsExport) -> bytes:
    """The workbook of an export."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = TEXTS_SHEET
    headers = ["path", "hash", export.source_language, *export.targets]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for unit in export.units:
        source = unit.texts[export.source_language]
        targets = [unit.texts.get(language, "") for language in export.targets]
        sheet.append([unit.path, source_hash(source), source, *targets])
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"  # a text that starts with "=" stays a text
            cell.alignment = wrap
    for column, header in zip(sheet.iter_cols(max_row=1), headers, strict=True):
        letter = column[0].column_letter
        sheet.column_dimensions[letter].width = _WIDTHS.get(header, 50)
    sheet.freeze_panes = "C2"
    about = book.create_sheet(ABOUT_SHEET)
    values = (FORMAT_NAME, export.slug, export.version, export.source_language)
    for key, value in zip(_ABOUT_KEYS, (*values, " ".join(export.targets)), strict=True):
        about.append([key, value])
        about.cell(about.max_row, 2).data_type = "s"
    about.append([])
    about.append(["how to", INSTRUCTIONS])
    about.column_dimensions["A"].width = 20
    about.column_dimensions["B"].width = 100
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read(raw: bytes, name: str) -> TextsFile:
    """The entries of a workbook; structural problems refuse the file, cell problems are
    collected in ``problems`` with their row."""
    _check_zip(raw, name)
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise refuse(
            name, f"not an XLSX workbook that can be read ({type(exc).__name__})"
        ) from None
    try:
        return _read_book(book, name)
    finally:
        book.close()


def _check_zip(raw: bytes, name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise refuse(name, "not an XLSX workbook (not a zip file)") from None
    if len(members) > MAX_MEMBERS:
        raise refuse(name, f"the workbook has more than {MAX_MEMBERS} parts")
    if sum(member.file_size for member in members) > WORKBOOK_BYTES:
        raise refuse(name, f"the workbook unpacks to more than {WORKBOOK_BYTES} bytes")


def _read_book(book: Any, name: str) -> TextsFile:
    if ABOUT_SHEET not in book.sheetnames or TEXTS_SHEET not in book.sheetnames:
        raise refuse(
            name, f"not a texts export: it needs the sheets {TEXTS_SHEET} and {ABOUT_SHEET}"
        )
    about = {
        cell_text(row[0]).strip(): cell_text(row[1]).strip()
        for row in book[ABOUT_SHEET].iter_rows(max_row=20, max_col=2, values_only=True)
        if len(row) == 2
    }
    if about.get("format") != FORMAT_NAME:
        raise refuse(name, f"not a texts export: sheet {ABOUT_SHEET} does not say {FORMAT_NAME!r}")
    targets = tuple(about.get("target languages", "").split())
    found = TextsFile(
        name,
        about.get("questionnaire", ""),
        about.get("version", ""),
        about.get("source language", ""),
        targets,
    )
    rows = book[TEXTS_SHEET].iter_rows(max_col=len(targets) + 10)
    header = [cell_text(cell.value).strip() for cell in next(rows, ())]
    wanted = ["path", "hash", found.source_language, *targets]
    missing = [title for title in wanted if title not in header]
    if missing:
        listed = ", ".join(repr(title) for title in missing)
        raise refuse(name, f"sheet {TEXTS_SHEET} has no column {listed} in its first row", "row 1")
    column = {title: header.index(title) for title in wanted}
    for count, row in enumerate(rows, start=2):
        if count > MAX_ROWS + 1:
            raise refuse(name, f"sheet {TEXTS_SHEET} has more than {MAX_ROWS} rows")
        _read_row(found, row, column, count)
    return found


def _read_row(found: TextsFile, row: Any, column: dict[str, int], number: int) -> None:
    cells = {title: row[index] if index < len(row) else None for title, index in column.items()}
    values = {title: cell_text(getattr(cell, "value", None)) for title, cell in cells.items()}
    if not any(value.strip() for value in values.values()):
        return  # an empty row (a spreadsheet may keep some at the end)
    where = f"row {number}"
    path = values["path"].strip()
    for language in found.targets:
        cell = cells[language]
        if getattr(cell, "data_type", None) == "f":
            message = f"the {language} cell holds a formula, not a text"
            found.problems.append(TextProblem(found.name, where, path, message))
            continue
        source = values[found.source_language]
        text = values[language]
        found.entries.append(Entry(where, path, language, text, source, values["hash"].strip()))
