"""docs/security.md names the tests that prove each security line: they must exist."""

from __future__ import annotations

import ast
import re

from app.settings import PROJECT_ROOT

CITED = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def _test_names(path: str) -> set[str]:
    tree = ast.parse((PROJECT_ROOT / path).read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def test_every_cited_test_exists() -> None:
    text = (PROJECT_ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    cited = CITED.findall(text)
    assert len(cited) > 40
    missing = [
        f"{path}::{name}"
        for path, name in cited
        if not (PROJECT_ROOT / path).is_file() or name not in _test_names(path)
    ]
    assert missing == []
