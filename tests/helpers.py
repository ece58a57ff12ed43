"""Small helpers shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

MINIMAL_DEFINITION = Path(__file__).parent / "scoring" / "minimal.yaml"


def minimal_definition() -> dict[str, Any]:
    """A fresh copy of the small valid definition, to break in one place per test."""
    return copy.deepcopy(yaml.safe_load(MINIMAL_DEFINITION.read_text(encoding="utf-8")))


def write_definition(directory: Path, data: dict[str, Any], name: str | None = None) -> Path:
    """Write a definition as ``<dir>/<slug>/<version>.yaml`` (the layout the loader expects)."""
    folder = directory / str(data.get("slug", "broken"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"{data.get('version', '0')}.yaml")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
