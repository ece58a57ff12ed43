"""What a translator does to an exported texts file, in each format, with that format's tools:
fill in targets (a spreadsheet, a PO editor, a CAT tool writing XLIFF), or damage it."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
from babel.messages.pofile import read_po, write_po

from app.text_files.xliff import NS

Translate = Callable[[str, str, str], str | None]
"""``translate(path, language, source)``: the new target text, or None to leave it."""

SUFFIX = {"xlsx": ".xlsx", "po": ".po", "xliff": ".xlf"}


def fill(path: Path, kind: str, translate: Translate) -> None:
    """Write targets into an exported file as a translator's tool would."""
    {"xlsx": _fill_xlsx, "po": _fill_po, "xliff": _fill_xliff}[kind](path, translate)


def _fill_xlsx(path: Path, translate: Translate) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book["Texts"]
    header = [cell.value for cell in sheet[1]]
    source_column = header.index(book["About"]["B4"].value)
    for row in sheet.iter_rows(min_row=2):
        for index, language in enumerate(header[3:], start=3):
            if language == header[source_column]:
                continue
            text = translate(str(row[0].value), str(language), str(row[source_column].value))
            if text is not None:
                row[index].value = text
    book.save(path)


def _fill_po(path: Path, translate: Translate) -> None:
    with path.open("rb") as source:
        catalog = read_po(source)
    language = str(catalog.locale_identifier).replace("_", "-")
    for message in catalog:
        if message.id:
            text = translate(str(message.context), language, str(message.id))
            if text is not None:
                message.string = text
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0)
    path.write_bytes(buffer.getvalue())


def _fill_xliff(path: Path, translate: Translate) -> None:
    ET.register_namespace("", NS)
    tree = ET.parse(path)
    for file in tree.getroot().iter(f"{{{NS}}}file"):
        language = file.get("target-language", "")
        for unit in file.iter(f"{{{NS}}}trans-unit"):
            source = unit.find(f"{{{NS}}}source")
            target = unit.find(f"{{{NS}}}target")
            assert source is not None
            assert target is not None
            text = translate(unit.get("id", ""), language, source.text or "")
            if text is not None:
                target.text = text
                target.set("state", "translated")
    tree.write(path, encoding="utf-8", xml_declaration=True)
