"""What a respondent sees and has left to do, from a definition and the answers so far.

One place for these rules, so that the pages, their script's autosave and the JSON API say the
same: which questions are shown (``show_if``), which count as answered, the progress, and which
questions an answer has just opened. Pure functions of a definition and an answer mapping
(item id -> stored value, as :mod:`app.services.responses` keeps them); no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scoring import Definition, visible_items


def visible_ids(definition: Definition, answers: Mapping[str, Any]) -> frozenset[str]:
    """Ids of the items shown with these answers (items hidden by ``show_if`` left out)."""
    return frozenset(visible_items(definition, answers))


def answered(value: Any) -> bool:
    """Whether a stored value counts as an answer: ``None``, ``""`` and ``[]`` do not.

    "Not applicable" (``"na"``) does count: the respondent answered, it is just not scored.
    """
    return value is not None and value != "" and value != []


@dataclass(frozen=True)
class Progress:
    """``answered`` of ``total`` shown questions (both counts of items, hidden ones left out)."""

    answered: int
    total: int


def progress(definition: Definition, answers: Mapping[str, Any]) -> Progress:
    """Answered out of shown questions: a hidden question is neither missing nor done."""
    visible = visible_ids(definition, answers)
    done = sum(1 for item_id in visible if answered(answers.get(item_id)))
    return Progress(done, len(visible))


def newly_shown(
    definition: Definition,
    stored: Mapping[str, Any],
    posted: Mapping[str, Any],
    dimension_id: str,
) -> list[str]:
    """Items of one dimension that ``posted`` opens and that have no answer yet, in page order.

    ``posted`` holds the page's values over ``stored`` (``None`` removes an answer). A page
    that opens further questions shows them before moving on, so they are not overlooked.
    """
    merged = {key: value for key, value in {**stored, **posted}.items() if value is not None}
    fresh = visible_ids(definition, merged) - visible_ids(definition, stored)
    return [
        item.id
        for item in definition.items_of(dimension_id)
        if item.id in fresh and item.id not in merged
    ]
