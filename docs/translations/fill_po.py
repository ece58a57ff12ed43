"""Fill a PO texts export with the translations written in ``docs/translations/<slug>/<lang>.txt``.

Usage: ``python docs/translations/fill_po.py EXPORT.po TRANSLATIONS.txt``. A translations file
holds one text a line, ``path | text`` (the path as the export's ``msgctxt`` has it); blank
lines and lines starting with ``#`` are skipped. The script only copies: every message of the
export must have exactly one line, and every line a message, otherwise it names the problem
and writes nothing. French texts get French typography (no-break space before ``:``, narrow
no-break space before ``; ? !`` and inside « »). Then import the filled files with
``radar questionnaires texts import``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

_FRENCH = [
    (re.compile(r" :"), "\u00a0:"),
    (re.compile(r" ([;?!])"), "\u202f\\1"),
    (re.compile(r"« "), "«\u202f"),
    (re.compile(r" »"), "\u202f»"),
]


def read_translations(path: Path) -> dict[str, str]:
    """``{path: text}`` from a translations file; raises ValueError naming a bad line."""
    texts: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        key, sep, text = line.partition(" | ")
        if not sep or not text.strip():
            raise ValueError(f"{path}:{number}: expected 'path | text'")
        if key in texts:
            raise ValueError(f"{path}:{number}: {key} given twice")
        texts[key] = text.strip()
    return texts


def french(text: str) -> str:
    """``text`` with French spacing around punctuation and guillemets."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    for pattern, replacement in _FRENCH:
        text = pattern.sub(replacement, text)
    return text


def fill(po_path: Path, translations: Path) -> list[str]:
    """Write the translations into ``po_path``; the problems, nothing written if any."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle, abort_invalid=True)
    texts = read_translations(translations)
    problems: list[str] = []
    seen: set[str] = set()
    for message in catalog:
        if not message.id:
            continue
        key = str(message.context)
        if key not in texts:
            problems.append(f"{translations}: no translation for {key}")
            continue
        seen.add(key)
        text = texts[key]
        message.string = french(text) if catalog.locale_identifier == "fr" else text
    problems += [f"{translations}: {key} is not in {po_path}" for key in texts.keys() - seen]
    if not problems:
        with po_path.open("wb") as handle:
            write_po(handle, catalog, width=0)
    return problems


if __name__ == "__main__":
    found = fill(Path(sys.argv[1]), Path(sys.argv[2]))
    for problem in found:
        print(f"error: {problem}", file=sys.stderr)
    sys.exit(1 if found else 0)
