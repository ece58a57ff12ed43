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
    reasons = not_counted(definition, answers)
    records = [
        AnswerRecord(item.id, item.dimension, answers[item.id], reasons.get(item.id))
        for item in definition.items
        if answers.get(item.id) is not None
    ]
    known = definition.derived("item_ids", _item_ids)
    records.extend(
        AnswerRecord(key, "", answers[key], UNKNOWN_ITEM)
        for key in sorted(key for key in reasons if key not in known)
    )
    return records


def not_counted(definition: Definition, answers: Mapping[str, Any]) -> dict[str, str]:
    """Item id -> reason code of every stored answer that did not count (the rule of
    :func:`answer_records`, without a record per answer: for exports of many responses)."""
    shown = visible_items(definition, answers)
    known = definition.derived("item_ids", _item_ids)
    return {
        key: HIDDEN if key in known else UNKNOWN_ITEM
        for key, value in answers.items()
        if value is not None and key not in shown
    }


def _item_ids(definition: Definition) -> frozenset[str]:
    return frozenset(item.id for item in definition.items)
