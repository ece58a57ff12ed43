"""The architecture page cites only files that exist (or says that they are still to come)."""

from __future__ import annotations

import re

from app.settings import PROJECT_ROOT

ARCHITECTURE = PROJECT_ROOT / "docs" / "architecture.md"
CODE = re.compile(r"`([^`\s]+)`")
FILE_LIKE = re.compile(r"^\.?[\w-]+(/[\w.-]+)*/?$")
EXTENSIONS = (".py", ".md", ".toml", ".yaml", ".html", ".po")
GENERATED = {"tests/artifacts/"}
"""Folders that tests write (ignored by git): cited, but absent from a fresh checkout."""


def _cited_files() -> list[tuple[int, str]]:
    cited = []
    for number, line in enumerate(ARCHITECTURE.read_text(encoding="utf-8").splitlines(), 1):
        if "(to come)" in line:
            continue
        for token in CODE.findall(line):
            if FILE_LIKE.match(token) and ("/" in token or token.endswith(EXTENSIONS)):
                cited.append((number, token))
    return cited


def test_architecture_cites_only_files_in_the_repository() -> None:
    folders = [p for p in PROJECT_ROOT.iterdir() if p.is_dir() and not p.name.startswith(".")]
    names = {path.name for folder in folders for path in folder.rglob("*")}
    missing = [
        f"line {number}: {token}"
        for number, token in _cited_files()
        if token not in GENERATED
        and not ((PROJECT_ROOT / token).exists() if "/" in token else token in names)
    ]
    assert _cited_files(), "the pattern finds the cited files"
    assert missing == []
