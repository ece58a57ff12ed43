"""A topic as a table column of the result pages (dashboard, change page, partner report)."""

from __future__ import annotations

from dataclasses import dataclass

from app.models import ScoreKind


@dataclass(frozen=True)
class Column:
    """A topic (dimension, area, index or the overall index) as a table column."""

    kind: ScoreKind
    id: str
    number: int
    title: str
