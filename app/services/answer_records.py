"""Stored answers as every export lists them: each with whether it counted.

Answers to questions that a ``show_if`` hides are kept when a respondent changes an earlier
answer (never dropped silently: switching back shows them again), but they are not part of the
response as submitted: they are neither scored nor shown on the result page. An export that
listed them bare would read as if they counted, so each answer carries ``counted`` and, when it
did not count, a ``reason`` code with a sentence (docs/scoring.md, "Visibility in exports"):

- ``hidden``: the question was hidden by an earlier answer;
- ``unknown_item``: no such question in the response's questionnaire version.

Counted answers are those to questions the respondent was shown; scored ones among them feed the
scores (text and number answers count as given but are never scored).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scoring import Definition, visible_items

HIDDEN = "hidden"
UNKNOWN_ITEM = "unknown_item"
REASONS = {
    HIDDEN: "question hidden by an earlier answer: kept, not counted",
    UNKNOWN_ITEM: "no such question in this questionnaire version: kept, not counted",
}
"""Reason code -> the sentence exports write beside it (English, like the other export keys)."""


@dataclass(frozen=True)
class AnswerRecord:
    """One stored answer with whether it counted, in questionnaire order."""

    item_id: str
    dimension: str
    value: Any
    reason: str | None

    @property
    def counted(self) -> bool:
        return self.reason is None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form shared by the respondent's download and ``radar responses export``."""
        return {
            "item": self.item_id,
            "dimension": self.dimension,
            "value": self.value,
            "counted": self.counted,
            "reason": self.reason,
            "note": REASONS.get(self.reason or ""),
        }


def answer_records(definition: Definition, answers: Mapping[str, Any]) -> list[AnswerRecord]:
    """Every stored answer (questionnaire order, then unknown ids sorted), each marked; a
    ``None`` value is no answer and is left out."""
    shown = visible_items(definition, answers)
    given = {key for key, value in answers.items() if value is not None}
    records = [
        AnswerRecord(item.id, item.dimension, answers[item.id], _reason(item.id, shown))
        for item in definition.items
        if item.id in given
    ]
    known = {item.id for item in definition.items}
    records.extend(
        AnswerRecord(key, "", answers[key], UNKNOWN_ITEM) for key in sorted(given - known)
    )
    return records


def _reason(item_id: str, shown: frozenset[str]) -> str | None:
    return None if item_id in shown else HIDDEN
