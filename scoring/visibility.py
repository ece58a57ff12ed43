"""Which items a respondent is shown, given the answers so far.

An item is shown when it has no ``show_if`` or its condition holds. Conditions may chain: an
item whose condition names a hidden item sees that item as unanswered, whatever was stored for
it, because the respondent no longer sees the question either. Conditions are therefore
evaluated in dependency order, computed once per definition. Items whose conditions depend on
each other in a cycle can never be decided; they are never shown (and the definition check
reports the cycle, see :func:`show_if_cycles`).

>>> from scoring.definition import Definition
>>> d = Definition.model_validate({
...     "slug": "demo", "version": "1.0", "languages": ["en"], "default_language": "en",
...     "title": {"en": "Demo"}, "scoring": {"bands": [{"id": "all", "min": 0,
...     "label": {"en": "All"}}]}, "dimensions": [{"id": "d", "title": {"en": "D"}}],
...     "items": [
...         {"id": "has", "dimension": "d", "type": "single_choice", "text": {"en": "?"},
...          "choices": [{"id": "yes", "label": {"en": "yes"}, "score": 100},
...                      {"id": "no", "label": {"en": "no"}, "score": 0}]},
...         {"id": "size", "dimension": "d", "type": "number", "text": {"en": "?"},
...          "show_if": "has == 'yes'"},
...         {"id": "big", "dimension": "d", "type": "number", "text": {"en": "?"},
...          "show_if": "size > 10"}]})
>>> sorted(visible_items(d, {"has": "yes", "size": 20}))
['big', 'has', 'size']
>>> sorted(visible_items(d, {"has": "no", "size": 20}))
['has']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scoring.conditions import Condition, ConditionSyntaxError, never, parse_condition
from scoring.definition import Definition


@dataclass(frozen=True)
class VisibilityPlan:
    """The conditions of one definition, in the order in which they can be decided."""

    all_items: frozenset[str]
    conditional: tuple[tuple[str, Condition, bool], ...]
    """(item id, condition, whether another condition refers to this item), in order."""
    unconditional_references: tuple[str, ...]
    cyclic: frozenset[str]
    chained: bool
    """Whether some condition names an item that has a condition itself."""
    references: tuple[str, ...]
    """Every item some condition names: the answers that decide what is hidden."""

    def hidden(self, answers: Mapping[str, Any]) -> frozenset[str]:
        """The ids of items that these answers hide."""
        return frozenset(self.hidden_ids(answers))

    def hidden_ids(self, answers: Mapping[str, Any]) -> list[str]:
        """:meth:`hidden` as a list, for the per-response loop of bulk encoding."""
        if not self.chained:  # every condition names only items that are always shown
            hidden = [i for i, condition, _ in self.conditional if not condition.evaluate(answers)]
            return [*self.cyclic, *hidden] if self.cyclic else hidden
        seen = {item_id: answers.get(item_id) for item_id in self.unconditional_references}
        hidden = list(self.cyclic)
        for item_id, condition, referenced in self.conditional:
            if condition.evaluate(seen):
                if referenced:
                    seen[item_id] = answers.get(item_id)
            else:
                hidden.append(item_id)
        return hidden


def visibility_plan(definition: Definition) -> VisibilityPlan:
    """The (cached) :class:`VisibilityPlan` of a definition."""
    return definition.derived("visibility", _build_plan)


def visible_items(definition: Definition, answers: Mapping[str, Any]) -> frozenset[str]:
    """The ids of the items shown to a respondent who gave these answers."""
    plan = visibility_plan(definition)
    return plan.all_items - plan.hidden(answers)


def show_if_cycles(definition: Definition) -> frozenset[str]:
    """Ids of items whose ``show_if`` conditions depend on each other in a cycle."""
    return visibility_plan(definition).cyclic


def _build_plan(definition: Definition) -> VisibilityPlan:
    conditions: dict[str, Condition] = {}
    for item in definition.items:
        if item.show_if is not None:
            try:
                conditions[item.id] = parse_condition(item.show_if)
            except ConditionSyntaxError:
                conditions[item.id] = never(item.show_if)  # reported by validation
    known = {item.id for item in definition.items}
    pending = {
        item_id: {r for r in c.references if r in conditions} for item_id, c in conditions.items()
    }
    order: list[str] = []
    placed: set[str] = set()
    progress = True
    while progress:
        progress = False
        for item_id in list(pending):
            if pending[item_id] <= placed:
                order.append(item_id)
                placed.add(item_id)
                del pending[item_id]
                progress = True
    referenced = {r for c in conditions.values() for r in c.references if r in known}
    return VisibilityPlan(
        all_items=frozenset(known),
        conditional=tuple((i, conditions[i], i in referenced) for i in order),
        unconditional_references=tuple(sorted(referenced - set(conditions))),
        cyclic=frozenset(pending),
        chained=bool(referenced & set(conditions)),
        references=tuple(sorted(referenced)),
    )
