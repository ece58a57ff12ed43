"""Small definitions for hand-computed scoring examples, built in code so each test shows them."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from scoring import Definition, parse_definition

HERE = Path(__file__).parent
FLAGSHIP = HERE.parents[1] / "questionnaires" / "intercultural-integration" / "1.0.yaml"

AGREE = {  # 0..4 with "not applicable"
    "values": [0, 1, 2, 3, 4],
    "labels": {"en": ["0", "1", "2", "3", "4"]},
    "not_applicable": True,
    "not_applicable_label": {"en": "n/a"},
}
FIVE = {"values": [1, 2, 3, 4, 5], "labels": {"en": ["1", "2", "3", "4", "5"]}}
PERCENT = {  # 0, 5, ..., 100: a one-item dimension scores exactly the value given
    "values": list(range(0, 101, 5)),
    "labels": {"en": [str(v) for v in range(0, 101, 5)]},
}
BANDS = [
    {"id": "low", "min": 0, "label": {"en": "Low"}},
    {"id": "mid", "min": 40, "label": {"en": "Mid"}},
    {"id": "high", "min": 70, "label": {"en": "High"}},
]


def scale(item_id: str, dimension: str, scale_id: str = "agree", **extra: Any) -> dict[str, Any]:
    return {
        "id": item_id,
        "dimension": dimension,
        "type": "scale",
        "scale": scale_id,
        "text": {"en": item_id},
        **extra,
    }


def choice(
    item_id: str,
    dimension: str,
    scores: Mapping[str, float | None],
    multi: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": item_id,
        "dimension": dimension,
        "type": "multi_choice" if multi else "single_choice",
        "choices": [
            {"id": c, "label": {"en": c}, **({} if s is None else {"score": s})}
            for c, s in scores.items()
        ],
        "text": {"en": item_id},
        **extra,
    }


def dimension(dimension_id: str, **extra: Any) -> dict[str, Any]:
    return {"id": dimension_id, "title": {"en": dimension_id}, **extra}


def build(
    items: list[dict[str, Any]],
    dimensions: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> Definition:
    """A valid definition; dimensions default to those the items name, in order."""
    if dimensions is None:
        dimensions = [dimension(d) for d in dict.fromkeys(i["dimension"] for i in items)]
    data: dict[str, Any] = {
        "slug": "example",
        "version": "1.0",
        "languages": ["en"],
        "default_language": "en",
        "title": {"en": "Example"},
        "scales": {"agree": AGREE, "five": FIVE, "percent": PERCENT},
        "dimensions": dimensions,
        "items": items,
        "scoring": {"min_coverage": 0.5, "bands": BANDS, "strength_at": 66.7, "weakness_below": 40},
    }
    data.update(extra)
    return parse_definition(data)


def load(path: Path) -> Definition:
    return parse_definition(yaml.safe_load(path.read_text(encoding="utf-8")))


def minimal() -> Definition:
    return load(HERE / "minimal.yaml")
