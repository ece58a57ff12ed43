"""Texts as a gettext PO catalogue (Babel), for CAT tools and PO editors such as Poedit.

One file per target language, as gettext has it. Each text is a message: ``msgctxt`` is its
path, ``msgid`` the source text, ``msgstr`` the translation, and an extracted comment
(``#. sha256:...``) the source's fingerprint, which PO editors show and keep. The header
comment names the questionnaire, version and languages.

A message marked fuzzy (an editor's "needs review") is refused, as gettext itself would not
use it; plural forms have no place in a definition and are refused too. Babel's parser reads with
``abort_invalid``, so a broken file is refused with its line, never half read.
"""

from __future__ import annotations

import io
import re
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, PoFileParser, write_po

from app.text_files.model import (
    FORMAT_NAME,
    MAX_ROWS,
    Entry,
    TextProblem,
    TextsExport,
    TextsFile,
    refuse,
)
from scoring import source_hash

_HEADER_LINE = re.compile(r"^# ?([A-Za-z ]+): (.+)$")


def write(export: TextsExport) -> bytes:
    """The catalogue of an export; PO holds exactly one target language."""
    if len(export.targets) != 1:
        raise ValueError("a PO file holds exactly one target language")
    (target,) = export.targets
    header = "\n".join(
        (
            f"# {FORMAT_NAME}",
            f"# Questionnaire: {export.slug}",
            f"# Version: {export.version}",
            f"# Source language: {export.source_language}",
            f"# Target language: {target}",
            "# Translate each msgstr. msgctxt names the text; keep the #. lines: they tell",
            "# the import whether the source text changed since this export.",
        )
    )
    catalog = Catalog(
        locale=target.replace("-", "_"),
        project=export.slug,
        version=export.version,
        header_comment=header,
        fuzzy=False,
    )
    for unit in export.units:
        source = unit.texts[export.source_language]
        catalog.add(
            source,
            unit.texts.get(target, ""),
            context=unit.path,
            auto_comments=[source_hash(source)],
        )
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, omit_header=False)
    return buffer.getvalue()


class _Recording(Catalog):
    """A catalogue that keeps every message as read, in order: Babel's own merges messages
    with the same context and source, which would hide a duplicate."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.read: list[Message] = []

    def __setitem__(self, id: Any, message: Message) -> None:
        if message.id:
            self.read.append(message)
        super().__setitem__(id, message)


def read(raw: bytes, name: str) -> TextsFile:
    """The entries of a catalogue, each named by its ``msgid`` line."""
    catalog = _Recording()
    if b"\x00" in raw:
        # A workbook or another binary file renamed to .po: say so, whatever its first
        # bytes happen to decode to (a zip's first line changes with its timestamps).
        raise refuse(name, "not a PO file that can be read: it holds binary data")
    try:
        PoFileParser(catalog, ignore_obsolete=True, abort_invalid=True).parse(io.BytesIO(raw))
    except PoFileError as exc:
        message = f"not a PO file that can be read: {exc.args[0]}"
        raise refuse(name, message, f"line {exc.lineno + 1}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise refuse(name, f"not a PO file that can be read ({type(exc).__name__})") from None
    header = _header(catalog.header_comment or "")
    if header.get("format") != FORMAT_NAME:
        raise refuse(name, f"not a texts export: its header comment does not say {FORMAT_NAME!r}")
    found = TextsFile(
        name,
        header.get("questionnaire", ""),
        header.get("version", ""),
        header.get("source language", ""),
        (header.get("target language", ""),),
    )
    if len(catalog.read) > MAX_ROWS:
        raise refuse(name, f"more than {MAX_ROWS} messages")
    for entry in catalog.read:
        _read_message(found, entry)
    return found


def _header(comment: str) -> dict[str, str]:
    """The header comment's ``# Key: value`` lines (the first line is the format's name)."""
    lines = comment.splitlines()
    fields = {"format": lines[0].lstrip("# ").strip()} if lines else {}
    for line in lines[1:]:
        match = _HEADER_LINE.match(line)
        if match:
            fields[match.group(1).strip().lower()] = match.group(2).strip()
    return fields


def _read_message(found: TextsFile, message: Message) -> None:
    where = f"line {message.lineno}"
    path = message.context or ""
    if message.pluralizable:
        message_text = "plural forms (msgid_plural) are not used in questionnaire texts"
        found.problems.append(TextProblem(found.name, where, path, message_text))
        return
    if message.fuzzy:
        text = "is marked fuzzy (needs review): review it and remove the mark"
        found.problems.append(TextProblem(found.name, where, path, text))
        return
    hashes = [c for c in message.auto_comments if c.startswith("sha256:")]
    (language,) = found.targets
    found.entries.append(
        Entry(
            where,
            path,
            language,
            str(message.string or ""),
            str(message.id),
            hashes[0] if hashes else "",
        )
    )
