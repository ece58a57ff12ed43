"""Definition checks for the literals of ``show_if`` conditions.

A condition that compares an item with a value the item can never take (a misspelt choice id,
a number that is not on the scale, ``'na'``, which compares false to everything) is silently
never true, or always true with ``!=``: the questions it guards never appear, or always do.
Every literal must therefore be a value its item can take:

* scale items: one of the scale's values (for every operator, so that ``>= 3`` means what
  the labels say);
* single-choice items: one of its choice ids, compared with ``==``, ``!=``, ``in`` or
  ``not in`` (choices have no order);
* multi-choice items: choice ids, with ``item in [...]`` (any of them selected) or
  ``'id' in item`` (that one selected); ``==`` compares the whole selection, so it needs a
  list of choice ids;
* number items: a number inside the item's ``min``/``max``; text items: a string.

>>> from scoring.conditions import parse_condition
>>> from scoring.definition import Definition
>>> d = Definition.model_validate({
...     "slug": "demo", "version": "1.0", "languages": ["en"], "default_language": "en",
...     "title": {"en": "Demo"}, "scoring": {"bands": [{"id": "all", "min": 0,
...     "label": {"en": "All"}}]}, "dimensions": [{"id": "d", "title": {"en": "D"}}],
...     "items": [{"id": "budget", "dimension": "d", "type": "single_choice",
...                "text": {"en": "?"}, "choices": [{"id": "yes", "label": {"en": "yes"}},
...                                                  {"id": "no", "label": {"en": "no"}}]}]})
>>> literal_problems(d, parse_condition("budget == 'yse'"))
["'yse' is not a choice of budget (choices: 'yes', 'no') (at position 11)"]
"""

from __future__ import annotations

from typing import Any

from scoring.conditions import NOT_APPLICABLE, Comparison, Condition
from scoring.definition import Definition, Item, ItemType

EQUALITY = ("==", "!=")
MEMBERSHIP = ("in", "not in")


def literal_problems(definition: Definition, condition: Condition) -> list[str]:
    """A message for each literal of ``condition`` that its item can never take.

    Comparisons naming unknown items are left to the reference check.
    """
    items = {item.id: item for item in definition.items}
    problems: list[str] = []
    for comparison in condition.comparisons():
        item = items.get(comparison.item_id)
        if item is None:
            continue
        message = _problem(definition, item, comparison)
        if message is not None:
            problems.append(f"{message} (at position {comparison.position})")
    return problems


def _problem(definition: Definition, item: Item, c: Comparison) -> str | None:
    literal = c.literal
    if c.operator in MEMBERSHIP and not c.item_first:  # 'x' in item: one selected option
        if item.type is not ItemType.MULTI_CHOICE:
            return (
                f"{_show(literal)} {c.operator} {item.id} needs a multi-choice item; "
                f"{item.id} is {item.type.value}: write {item.id} {_equal(c.operator)} "
                f"{_show(literal)}"
            )
        return _first(definition, item, [literal])
    if c.operator in MEMBERSHIP:  # item in [...]
        if not isinstance(literal, list):
            return f"'{c.operator}' needs a list: write {item.id} {c.operator} [{_show(literal)}]"
        return _first(definition, item, literal)
    if item.type is ItemType.MULTI_CHOICE:
        if c.operator in EQUALITY and isinstance(literal, list):
            return _first(definition, item, literal)
        return (
            f"{item.id} is a multi-choice item, its answer a list of choices: "
            f"write {item.id} in [{_show(literal)}] or {_show(literal)} in {item.id}"
        )
    if isinstance(literal, list):
        return f"{item.id} {c.operator} a list is never true: use 'in'"
    if item.type is ItemType.SINGLE_CHOICE and c.operator not in EQUALITY:
        return f"choices have no order: compare {item.id} with '==', '!=' or 'in'"
    return _first(definition, item, [literal])


def _first(definition: Definition, item: Item, values: list[Any]) -> str | None:
    for value in values:
        message = _value_problem(definition, item, value)
        if message is not None:
            return message
    return None


def _value_problem(definition: Definition, item: Item, value: Any) -> str | None:
    """Why ``item`` can never take ``value`` (None when it can)."""
    if isinstance(value, bool):
        return f"{value} is never an answer of {item.id}"
    if item.type is ItemType.SCALE:
        scale = definition.scales.get(item.scale or "")
        if scale is None:
            return None  # the unknown scale is reported on its own
        listed = ", ".join(_show(v) for v in scale.values)
        if value == NOT_APPLICABLE:
            return (
                f"'{NOT_APPLICABLE}' (not applicable) compares false to everything; "
                f"compare {item.id} with a value of scale {item.scale} ({listed})"
            )
        if isinstance(value, str) or value not in scale.values:
            return f"{_show(value)} is not a value of scale {item.scale} ({listed})"
        return None
    if item.type in (ItemType.SINGLE_CHOICE, ItemType.MULTI_CHOICE):
        ids = [choice.id for choice in item.choices or []]
        if value not in ids:
            listed = ", ".join(_show(i) for i in ids)
            return f"{_show(value)} is not a choice of {item.id} (choices: {listed})"
        return None
    if item.type is ItemType.NUMBER:
        if isinstance(value, str):
            return f"{item.id} is a number item: compare it with a number, not {_show(value)}"
        if (item.min is not None and value < item.min) or (
            item.max is not None and value > item.max
        ):
            low, high = ("" if b is None else b for b in (item.min, item.max))
            return f"{_show(value)} is outside {item.id}'s range {low}..{high}"
        return None
    if not isinstance(value, str):
        return f"{item.id} is a text item: compare it with a string, not {_show(value)}"
    return None


def _show(value: Any) -> str:
    return repr(value)


def _equal(operator: str) -> str:
    return "==" if operator == "in" else "!="
