"""The ``show_if`` expression language: which items a respondent is shown.

Conditions are parsed with Python's own parser (``ast``, mode ``eval``) and then checked
against a small whitelist, so the grammar is well-tested and the evaluator is tiny. Nothing
is ever passed to ``eval``. Allowed:

* item references (``governance.has_strategy``), strings, numbers, ``True``/``False``;
* comparisons ``== != < <= > >=`` (chains too), ``in`` / ``not in`` against a list literal
  or against a multi-choice item's selected options;
* ``and``, ``or``, ``not`` and parentheses.

An unanswered or "not applicable" item compares false to everything, so a question that
depends on it stays hidden until it is answered. Work is bounded by the expression's length
and node count, both checked when parsing.

>>> c = parse_condition("strategy.has_concept == 'yes' and budget.amount >= 2")
>>> sorted(c.references)
['budget.amount', 'strategy.has_concept']
>>> c.evaluate({"strategy.has_concept": "yes", "budget.amount": 3})
True
>>> c.evaluate({"strategy.has_concept": "yes"})
False
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

MAX_LENGTH = 500
MAX_NODES = 200
NOT_APPLICABLE = "na"

_COMPARISONS: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


class ConditionSyntaxError(ValueError):
    """A condition that is not valid; ``position`` is the 1-based column of the problem."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at position {position})")
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Condition:
    """A parsed, safe ``show_if`` condition."""

    source: str
    references: frozenset[str]
    _tree: ast.expr

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        """Whether the condition holds for these answers (item id -> value)."""
        return bool(_Evaluator(answers).value(self._tree))


def parse_condition(source: str) -> Condition:
    """Parse and check a condition; raise :class:`ConditionSyntaxError` with a position."""
    if not source.strip():
        raise ConditionSyntaxError("the condition is empty", 1)
    if len(source) > MAX_LENGTH:
        raise ConditionSyntaxError(f"the condition is longer than {MAX_LENGTH} characters", 1)
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ConditionSyntaxError(
            f"syntax error: {exc.msg}", exc.offset or 1
        ) from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise ConditionSyntaxError(f"the condition has more than {MAX_NODES} parts", 1)
    references: set[str] = set()
    _check(tree.body, references)
    return Condition(source=source, references=frozenset(references), _tree=tree.body)


def _position(node: ast.AST) -> int:
    return int(getattr(node, "col_offset", 0)) + 1


def _reference(node: ast.expr) -> str | None:
    """The dotted item id that a Name/Attribute chain spells, or None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _check(node: ast.expr, references: set[str]) -> None:
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            _check(value, references)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        _check(node.operand, references)
    elif isinstance(node, ast.Compare):
        for op in node.ops:
            if type(op) not in _COMPARISONS and not isinstance(op, ast.In | ast.NotIn):
                raise ConditionSyntaxError("this comparison is not allowed", _position(node))
        for operand in [node.left, *node.comparators]:
            _check_operand(operand, references)
    elif isinstance(node, ast.Name | ast.Attribute):
        _check_operand(node, references)
    else:
        raise ConditionSyntaxError(
            "expected a comparison, 'and', 'or', 'not' or an item reference", _position(node)
        )


def _check_operand(node: ast.expr, references: set[str]) -> None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float | bool):
        return
    if isinstance(node, ast.List | ast.Tuple):
        for element in node.elts:
            if not (isinstance(element, ast.Constant) and isinstance(element.value, str | int | float)):
                raise ConditionSyntaxError("a list may hold only strings and numbers", _position(element))
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        if isinstance(node.operand, ast.Constant) and isinstance(node.operand.value, int | float):
            return
    reference = _reference(node)
    if reference is None:
        raise ConditionSyntaxError(
            "expected an item id, a string, a number or a list", _position(node)
        )
    references.add(reference)


class _Evaluator:
    def __init__(self, answers: Mapping[str, Any]) -> None:
        self.answers = answers

    def value(self, node: ast.expr) -> Any:
        if isinstance(node, ast.BoolOp):
            results = (bool(self.value(v)) for v in node.values)
            return all(results) if isinstance(node.op, ast.And) else any(results)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                return not self.value(node.operand)
            return -self.value(node.operand)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.List | ast.Tuple):
            return [self.value(e) for e in node.elts]
        answer = self.answers.get(_reference(node) or "")
        return None if answer == NOT_APPLICABLE else answer

    def compare(self, node: ast.Compare) -> bool:
        left = self.value(node.left)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.value(right_node)
            if not _holds(op, left, right):
                return False
            left = right
        return True


def _holds(op: ast.cmpop, left: Any, right: Any) -> bool:
    if left is None or right is None:
        return False
    if isinstance(op, ast.In | ast.NotIn):
        if not isinstance(right, list):
            return False
        found = any(v in right for v in left) if isinstance(left, list) else left in right
        return found if isinstance(op, ast.In) else not found
    try:
        return bool(_COMPARISONS[type(op)](left, right))
    except TypeError:
        return False
