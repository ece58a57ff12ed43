"""Texts as XLIFF 1.2, for CAT tools (OmegaT, memoQ, Trados, Okapi, Weblate...).

XLIFF 1.2 rather than 2.x: every CAT tool reads it, and one document holds several target
languages (one ``<file>`` per target language, which 2.x does not allow). Each text is a
``<trans-unit>`` whose ``id`` is its path; ``<source>``, ``<target>`` and a ``<note
from="integration-radar">`` holding the source's fingerprint. The ``<file original>`` names the
questionnaire and version (``slug/version``), with ``source-language`` and ``target-language``.

Written with the standard library; read with ``defusedxml``, which refuses a DTD and so every
entity (no "billion laughs", no external files). Texts are plain: a target holding inline
elements (``<g>``, ``<ph>``...) is refused rather than flattened.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from app.text_files.model import (
    FORMAT_NAME,
    MAX_ROWS,
    Entry,
    TextProblem,
    TextsExport,
    TextsFile,
    refuse,
)
from scoring import shorten, source_hash

NS = "urn:oasis:names:tc:xliff:document:1.2"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
NOTE_FROM = "integration-radar"


def _tag(name: str) -> str:
    return f"{{{NS}}}{name}"


def write(export: TextsExport) -> bytes:
    """The XLIFF document of an export: one ``<file>`` per target language."""
    ET.register_namespace("", NS)
    root = ET.Element(_tag("xliff"), {"version": "1.2"})
    for target in export.targets:
        attributes = {
            "original": f"{export.slug}/{export.version}",
            "source-language": export.source_language,
            "target-language": target,
            "datatype": "plaintext",
        }
        file = ET.SubElement(root, _tag("file"), attributes)
        header = ET.SubElement(file, _tag("header"))
        ET.SubElement(header, _tag("note"), {"from": NOTE_FROM}).text = FORMAT_NAME
        body = ET.SubElement(file, _tag("body"))
        for unit in export.units:
            source = unit.texts[export.source_language]
            element = ET.SubElement(
                body, _tag("trans-unit"), {"id": unit.path, _XML_SPACE: "preserve"}
            )
            ET.SubElement(element, _tag("source")).text = source
            text = unit.texts.get(target, "")
            state = "translated" if text else "needs-translation"
            ET.SubElement(element, _tag("target"), {"state": state}).text = text
            note = ET.SubElement(element, _tag("note"), {"from": NOTE_FROM})
            note.text = source_hash(source)
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def read(raw: bytes, name: str) -> TextsFile:
    """The entries of an XLIFF document, each named by its unit id and language."""
    try:
        root = SafeET.fromstring(raw, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise refuse(
            name, f"XML with a DTD or entities is refused ({type(exc).__name__})"
        ) from None
    except ET.ParseError as exc:
        line, _column = exc.position
        reason = re.sub(r": line \d+, column \d+$", "", str(exc))
        raise refuse(name, f"not XML that can be read: {reason}", f"line {line}") from None
    if root.tag != _tag("xliff") or root.get("version") != "1.2":
        raise refuse(name, "not an XLIFF 1.2 document")
    files = root.findall(_tag("file"))
    marked = [f for f in files if _note(f.find(_tag("header"))) == FORMAT_NAME]
    if not files or len(marked) != len(files):
        raise refuse(name, f"not a texts export: a <file> header lacks the note {FORMAT_NAME!r}")
    originals = {(f.get("original", ""), f.get("source-language", "")) for f in files}
    if len(originals) != 1:
        raise refuse(name, "its <file> elements name different questionnaires or sources")
    ((original, source_language),) = originals
    slug, _, version = original.partition("/")
    targets = tuple(f.get("target-language", "") for f in files)
    found = TextsFile(name, slug, version, source_language, targets)
    units = 0
    for file, language in zip(files, targets, strict=True):
        for unit in file.iter(_tag("trans-unit")):
            units += 1
            if units > MAX_ROWS:
                raise refuse(name, f"more than {MAX_ROWS} units")
            _read_unit(found, unit, language)
    return found


def _note(element: ET.Element | None) -> str:
    if element is None:
        return ""
    notes = [n for n in element.findall(_tag("note")) if n.get("from") == NOTE_FROM]
    return (notes[0].text or "").strip() if notes else ""


def _read_unit(found: TextsFile, unit: ET.Element, language: str) -> None:
    path = unit.get("id", "")
    where = f"unit {shorten(path, 200)} in {language}"
    texts = []
    for part in ("source", "target"):
        element = unit.find(_tag(part))
        if element is not None and len(element):
            inline = ", ".join(sorted({child.tag.rpartition("}")[2] for child in element}))
            message = f"the {part} holds inline elements ({inline}); texts are plain"
            found.problems.append(TextProblem(found.name, where, path, message))
            return
        texts.append("" if element is None else element.text or "")
    source, target = texts
    found.entries.append(Entry(where, path, language, target, source, _note(unit)))
