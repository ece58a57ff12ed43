"""Validation of a response's answers against its questionnaire version.

Every problem names the item and, where the answer comes from a fixed set, the allowed values,
so that the API can return the list as it is and a form can mark each field. Problems have a
severity: ``error`` blocks saving; ``warning`` does not. An answer to an item that ``show_if``
hides is a warning: it stays stored (the respondent may change the answer that hides it back),
it is just not scored. Missing required items are errors only for a complete response, since
drafts are saved page by page.

Encoding (what a response stores, item id -> value): a scale value or ``"na"`` where the scale
allows it; a choice id; a list of choice ids; a number; a string. An absent key or ``None``
means unanswered.

>>> from scoring.definition import Definition
>>> d = Definition.model_validate({
...     "slug": "demo", "version": "1.0", "languages": ["en"], "default_language": "en",
...     "title": {"en": "Demo"},
...     "scales": {"agree": {"values": [1, 2, 3], "labels": {"en": list("abc")}}},
...     "scoring": {"bands": [{"id": "all", "min": 0, "label": {"en": "All"}}]},
...     "dimensions": [{"id": "d", "title": {"en": "D"}}],
...     "items": [{"id": "q", "dimension": "d", "type": "scale", "scale": "agree",
...                "text": {"en": "?"}}]})
>>> validate_answers(d, {"q": 4}, complete=False)
[AnswerProblem(item_id='q', code='not_on_scale', message='4 is not on the scale', \
allowed=(1, 2, 3), severity='error')]
>>> [p.code for p in validate_answers(d, {}, complete=True)]
['required']
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from scoring.definition import NOT_APPLICABLE, Definition, Item, ItemType
from scoring.limits import (
    ITEM_ID_LENGTH,
    NUMBER_LIMIT,
    not_finite,
    shorten,
    text_length,
    text_problem,
)
from scoring.visibility import visibility_plan, visible_items

Severity = Literal["error", "warning"]
Allowed = tuple[Any, ...]


@dataclass(frozen=True)
class AnswerProblem:
    """One problem with one answer.

    ``allowed`` lists the values the item accepts (scale values, choice ids), or for a number
    item its ``(min, max)`` bounds (where the definition sets none, the limits every number
    shares, ``-NUMBER_LIMIT`` and ``NUMBER_LIMIT``); ``None`` where there is no fixed set.
    """

    item_id: str
    code: str
    message: str
    allowed: Allowed | None = None
    severity: Severity = "error"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["allowed"] = None if self.allowed is None else list(self.allowed)
        return data


class UnscorableAnswers(ValueError):
    """Answers that scoring cannot read, so it refuses them rather than count them as
    unanswered: a value outside an item's choices or scale, of the wrong type, an exclusive
    option combined with others, an answer to an item the version does not have.

    ``problems`` lists them as :func:`validate_answers` does (item id, code, message, the
    allowed values); ``response`` is the position of the response in a bulk input, ``None``
    for :func:`scoring.profile.score_response`.
    """

    def __init__(self, problems: Sequence[AnswerProblem], response: int | None = None) -> None:
        self.problems = list(problems)
        self.response = response
        details = "; ".join(_describe(p) for p in self.problems)
        where = "" if response is None else f" (response {response}, counted from 0)"
        super().__init__(f"answers that cannot be scored{where}: {details}")


def _describe(problem: AnswerProblem) -> str:
    text = f"{problem.item_id}: {problem.message}"
    if problem.allowed and problem.code != "out_of_range":
        text += f" (allowed: {', '.join(map(repr, problem.allowed))})"
    return text


def unscorable(definition: Definition, answers: Mapping[str, Any]) -> list[AnswerProblem]:
    """The problems of the answers scoring reads: those to scored items and to items that a
    ``show_if`` condition names (they decide what is scored), and answers to unknown items;
    in :func:`validate_answers` order."""
    read = set(visibility_plan(definition).references)
    problems = []
    for item in definition.items:
        value = answers.get(item.id)
        if value is not None and (item.scored or item.id in read):
            problem = check_answer(definition, item, value)
            if problem is not None:
                problems.append(problem)
    problems.extend(_unknown_items(definition, answers))
    return problems


def _unknown_items(definition: Definition, answers: Mapping[str, Any]) -> list[AnswerProblem]:
    """A problem per answer to no item of ``definition``. An id longer than any item id can be
    is cut (``…``) in ``item_id`` and shortened in the message, so a problem never grows with
    its input (a 900 KB key is not echoed back)."""
    known = _items_by_id(definition)
    found = []
    for item_id in answers:
        if item_id not in known:
            text = str(item_id)
            named = text if len(text) <= ITEM_ID_LENGTH else text[:ITEM_ID_LENGTH] + "…"
            found.append(AnswerProblem(named, "unknown_item", f"no item {shorten(text)}"))
    return found


def problems_to_dicts(problems: Sequence[AnswerProblem]) -> list[dict[str, Any]]:
    """The problems as JSON-ready dicts, e.g. for an RFC 9457 ``errors`` member."""
    return [problem.to_dict() for problem in problems]


def validate_answers(
    definition: Definition, answers: Mapping[str, Any], *, complete: bool
) -> list[AnswerProblem]:
    """Every problem with these answers, in definition order (unknown items last)."""
    problems: list[AnswerProblem] = []
    shown = visible_items(definition, answers)
    for item in definition.items:
        value = answers.get(item.id)
        if value is None:
            if complete and item.required and item.id in shown:
                problems.append(
                    AnswerProblem(
                        item.id, "required", "an answer is required", allowed(definition, item)
                    )
                )
            continue
        problem = check_answer(definition, item, value)
        if problem is not None:
            problems.append(problem)
        elif complete and item.required and item.id in shown and _blank(value):
            problems.append(AnswerProblem(item.id, "required", "an answer is required", None))
        if item.id not in shown:
            problems.append(
                AnswerProblem(
                    item.id,
                    "hidden",
                    "this question is not shown for the other answers given; "
                    "the answer is kept but not scored",
                    severity="warning",
                )
            )
    problems.extend(_unknown_items(definition, answers))
    return problems


def allowed(definition: Definition, item: Item) -> Allowed | None:
    """The values an item accepts, as :attr:`AnswerProblem.allowed` lists them."""
    if item.type is ItemType.SCALE:
        scale = definition.scales[item.scale or ""]
        return (*scale.values, NOT_APPLICABLE) if scale.not_applicable else tuple(scale.values)
    if item.type in (ItemType.SINGLE_CHOICE, ItemType.MULTI_CHOICE):
        return tuple(choice.id for choice in item.choices or [])
    if item.type is ItemType.NUMBER:
        return (
            -NUMBER_LIMIT if item.min is None else item.min,
            NUMBER_LIMIT if item.max is None else item.max,
        )
    return None


def check_answer(definition: Definition, item: Item, value: Any) -> AnswerProblem | None:
    """The problem with one (present) answer, or None when it is valid."""
    accepted = allowed(definition, item)

    def problem(code: str, message: str) -> AnswerProblem:
        return AnswerProblem(item.id, code, message, accepted)

    if item.type is ItemType.SCALE:
        if isinstance(value, str) and value == NOT_APPLICABLE:
            if accepted and NOT_APPLICABLE in accepted:
                return None
            return problem("not_on_scale", "this scale offers no 'not applicable'")
        if not _is_number(value):
            return problem("wrong_type", f"expected a scale value, got {_kind(value)}")
        if value not in definition.scales[item.scale or ""].values:
            return problem("not_on_scale", f"{shorten(value)} is not on the scale")
    elif item.type is ItemType.SINGLE_CHOICE:
        if not isinstance(value, str):
            return problem("wrong_type", f"expected a choice id, got {_kind(value)}")
        if accepted and value not in accepted:
            return problem("unknown_choice", f"{shorten(value)} is not one of the choices")
    elif item.type is ItemType.MULTI_CHOICE:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            return problem("wrong_type", f"expected a list of choice ids, got {_kind(value)}")
        unknown = [v for v in value if accepted and v not in accepted]
        if unknown:
            listed = ", ".join(shorten(v) for v in unknown[:10]) + (", …" if unknown[10:] else "")
            return problem("unknown_choice", f"not among the choices: {listed}")
        if len(set(value)) != len(value):
            return problem("duplicate_choice", "a choice is selected more than once")
        exclusive = [c.id for c in item.choices or [] if c.exclusive and c.id in value]
        if exclusive and len(value) > 1:
            return problem(
                "exclusive_choice", f"{exclusive[0]!r} cannot be combined with other choices"
            )
    elif item.type is ItemType.NUMBER:
        if not _is_number(value):
            return problem("wrong_type", f"expected a finite number, got {_kind(value)}")
        low, high = accepted or (-NUMBER_LIMIT, NUMBER_LIMIT)
        if isinstance(value, float) and not math.isfinite(value):  # never echoed as inf/nan
            return problem("out_of_range", f"{not_finite(value)} is outside {low}..{high}")
        if not low <= value <= high:  # open bounds are the shared limit: storable, formattable
            return problem("out_of_range", f"{shorten(value)} is outside {low}..{high}")
    elif not isinstance(value, str):
        return problem("wrong_type", f"expected text, got {_kind(value)}")
    else:
        return check_text(item.id, value, item.max_length)
    return None


def canonical_value(definition: Definition, item: Item, value: Any) -> Any:
    """The stored form of a number answer: a scale's own value (``2`` for ``2.0``, ``0`` for
    ``-0.0``), an integral number of a number item as an int, within the shared limit.

    Pages and the API then store (and export) one answer the same way, whichever way a
    client wrote it; anything else, valid or not, is returned unchanged for validation.
    """
    if not _is_number(value) or (isinstance(value, float) and not math.isfinite(value)):
        return value
    if item.type is ItemType.SCALE:
        values = definition.scales[item.scale or ""].values
        return next((v for v in values if v == value), value)
    if item.type is ItemType.NUMBER and float(value).is_integer() and abs(value) <= NUMBER_LIMIT:
        return int(value)
    return value


def canonical_answers(definition: Definition, answers: Mapping[str, Any]) -> dict[str, Any]:
    """``answers`` with each value in its stored form (:func:`canonical_value`); keys that
    name no item are kept as they are, for validation to name."""
    known = _items_by_id(definition)
    return {
        key: canonical_value(definition, known[key], value) if key in known else value
        for key, value in answers.items()
    }


def _items_by_id(definition: Definition) -> Mapping[str, Item]:
    """The definition's items by id, built once per definition: every request that stores
    answers asks for each answer's item, and :meth:`Definition.item` reads a pydantic private
    attribute (a ``__getattr__`` call per answer)."""
    return definition.derived("items-by-id", _item_map)


def _item_map(definition: Definition) -> dict[str, Item]:
    return {item.id: item for item in definition.items}


def check_text(subject: str, value: str, max_length: int) -> AnswerProblem | None:
    """The problem with a free text (a text answer, a comment), or None.

    ``too_long`` beyond ``max_length`` characters as a browser counts them
    (:func:`~scoring.limits.text_length`: a line break, CRLF too, is one; an emoji beyond the
    Basic Multilingual Plane two); ``invalid_characters`` for NUL, other control characters or
    invalid UTF-8 (tabs and line breaks are kept as typed).
    """
    length = text_length(value)
    if length > max_length:
        message = f"{length} characters, at most {max_length} allowed"
        return AnswerProblem(subject, "too_long", message)
    characters = text_problem(value, multiline=True)
    if characters is not None:
        return AnswerProblem(subject, "invalid_characters", characters)
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _blank(value: Any) -> bool:
    """Whether an answer says nothing: blank text, or no choice ticked (the pages store no
    answer then, so a required question answered with ``[]`` stays unanswered everywhere)."""
    if isinstance(value, list | tuple):
        return not value
    return isinstance(value, str) and not value.strip()


def _kind(value: Any) -> str:
    names = {bool: "true/false", str: "a string", list: "a list", dict: "an object"}
    for kind, name in names.items():
        if isinstance(value, kind):
            return f"{name} ({shorten(value)})" if kind in (bool, str) else name
    if isinstance(value, float) and not math.isfinite(value):
        return not_finite(value)
    return f"a number ({shorten(value)})" if _is_number(value) else type(value).__name__
