"""The ``show_if`` expression language: which items a respondent is shown.

Conditions are parsed with Python's own parser (``ast``, mode ``eval``) and then checked
against a small whitelist, so the grammar is well-tested and the checker is tiny. Nothing is
ever passed to ``eval``: a checked tree is compiled into a few nested closures, which keeps
evaluation fast enough to run for every stored response in bulk. Allowed:

* item references (``governance.has_strategy``), strings, numbers, ``True``/``False``;
* comparisons ``== != < <= > >=`` (chains too), ``in`` / ``not in`` against a list literal
  or against a multi-choice item's selected options;
* ``and``, ``or``, ``not`` and parentheses.

An unanswered or "not applicable" item compares false to everything, so a question that
depends on it stays hidden until it is answered. Work is bounded by the expression's length
and node count, both checked when parsing. Positions in errors are 1-based character columns
of the source as written (line breaks count as one character), so an editor can point at them.

>>> c = parse_condition("strategy.has_concept == 'yes' and budget.amount >= 2")
>>> sorted(c.references)
['budget.amount', 'strategy.has_concept']
>>> c.evaluate({"strategy.has_concept": "yes", "budget.amount": 3})
True
>>> c.evaluate({"strategy.has_concept": "yes"})
False
>>> try:
...     parse_condition("budget.amount ==")
... except ConditionSyntaxError as error:
...     print(error.position, error.message)
17 syntax error: something is missing after '=='
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_LENGTH = 500
MAX_NODES = 200
NOT_APPLICABLE = "na"

Answers = Mapping[str, Any]
_Compiled = Callable[[Answers], Any]

_COMPARISONS: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_LINE_BREAKS = str.maketrans("\n\r\t\f\v", "     ")
_LAST_TOKEN = re.compile(r"(==|!=|<=|>=|[<>=\-+*/%,.(\[]|\b(?:and|or|not|in)\b)\s*$")


class ConditionSyntaxError(ValueError):
    """A condition that is not valid; ``position`` is the 1-based column of the problem."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at position {position})")
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Comparison:
    """One comparison of an item with a literal, e.g. ``budget.kind in ['a', 'b']``.

    ``operator`` is written as in the source (``==``, ``not in`` ...); ``item_first`` tells
    whether the item stands left of it; ``literal`` is a string, number, bool or list;
    ``position`` is the 1-based column of the literal.
    """

    item_id: str
    operator: str
    literal: Any
    item_first: bool
    position: int


@dataclass(frozen=True)
class Condition:
    """A parsed, safe ``show_if`` condition."""

    source: str
    references: frozenset[str]
    _tree: ast.expr = field(repr=False, compare=False)
    _compiled: _Compiled = field(repr=False, compare=False)

    def evaluate(self, answers: Answers) -> bool:
        """Whether the condition holds for these answers (item id -> value)."""
        return bool(self._compiled(answers))

    def comparisons(self) -> list[Comparison]:
        """Every comparison of an item with a literal, in source order.

        Definition validation checks each literal against the values its item can take.

        >>> [(c.item_id, c.operator, c.literal) for c in parse_condition(
        ...     "a.kind in ['x', 'y'] and (1 < a.size <= 5 or not a.size == a.max)"
        ... ).comparisons()]
        [('a.kind', 'in', ['x', 'y']), ('a.size', '>', 1), ('a.size', '<=', 5)]
        """
        lead = len(self.source) - len(self.source.lstrip())
        body = self.source.translate(_LINE_BREAKS).strip()
        found: list[Comparison] = []
        for node in ast.walk(self._tree):
            if not isinstance(node, ast.Compare):
                continue
            operands = [node.left, *node.comparators]
            for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
                found.extend(_comparison(op, left, right, lambda n: lead + _column(body, n)))
        return sorted(found, key=lambda c: c.position)


def parse_condition(source: str) -> Condition:
    """Parse and check a condition; raise :class:`ConditionSyntaxError` with a position."""
    if not source.strip():
        raise ConditionSyntaxError("the condition is empty", 1)
    if len(source) > MAX_LENGTH:
        raise ConditionSyntaxError(f"the condition is longer than {MAX_LENGTH} characters", 1)
    # Line breaks become spaces one for one, so a condition folded over several YAML lines
    # parses as one line and every column still matches the source.
    text = source.translate(_LINE_BREAKS)
    lead = len(text) - len(text.lstrip())
    body = text.strip()
    try:
        tree = ast.parse(body, mode="eval")
    except SyntaxError as exc:
        message, position = _syntax_problem(exc, body)
        raise ConditionSyntaxError(message, lead + position) from None
    except (RecursionError, MemoryError):
        raise ConditionSyntaxError("the condition is nested too deeply", lead + 1) from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise ConditionSyntaxError(f"the condition has more than {MAX_NODES} parts", lead + 1)
    references: set[str] = set()
    try:
        _check(tree.body, references)
    except _Unsupported as exc:
        raise ConditionSyntaxError(exc.message, lead + _column(body, exc.node)) from None
    return Condition(
        source=source,
        references=frozenset(references),
        _tree=tree.body,
        _compiled=_compile(tree.body),
    )


_OPERATORS: dict[type[ast.cmpop], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
}
_MIRRORED = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _comparison(
    op: ast.cmpop, left: ast.expr, right: ast.expr, column: Callable[[ast.expr], int]
) -> list[Comparison]:
    """``left op right`` as a :class:`Comparison` when one side is an item, the other a literal.

    An ordering with the literal first (``1 < a``) is turned round (``a > 1``); ``in`` keeps
    its sides, since ``'x' in a`` and ``a in ['x']`` say different things.
    """
    symbol = _OPERATORS[type(op)]
    left_item, right_item = _reference(left), _reference(right)
    if left_item is not None and right_item is None:
        return [Comparison(left_item, symbol, _literal(right), True, column(right))]
    if right_item is not None and left_item is None:
        mirrored = _MIRRORED.get(symbol, symbol)
        return [Comparison(right_item, mirrored, _literal(left), False, column(left))]
    return []


def never(source: str) -> Condition:
    """A condition that never holds: stands in for one that does not parse."""
    return Condition(source, frozenset(), ast.Constant(value=False), lambda answers: False)


def _syntax_problem(exc: SyntaxError, body: str) -> tuple[str, int]:
    """A message and a 1-based position for Python's syntax error, in this language's terms.

    Python reports an input that stops in the middle ("a ==") at offset 0 or 1 with a bare
    "invalid syntax"; pointing at the end and naming the dangling token is what helps an author.
    """
    offset = exc.offset or 0
    message = re.sub(r"\s*\(detected at line \d+\)", "", exc.msg)
    dangling = _LAST_TOKEN.search(body)
    if message == "invalid syntax" and (offset <= 1 or offset > len(body)) and dangling:
        token = dangling.group(1)
        return f"syntax error: something is missing after {token!r}", len(body) + 1
    if message == "invalid syntax" and 1 <= offset <= len(body) and body[offset - 1] == "=":
        before, after = body[offset - 2 : offset - 1], body[offset : offset + 1]
        if before not in ("=", "!", "<", ">") and after != "=":
            return "syntax error: '=' is not a comparison, use '==' to compare", offset
    position = min(max(offset, 1), len(body) + 1)
    return f"syntax error: {message}", position


def _column(body: str, node: ast.AST) -> int:
    """1-based character column of a node (``ast`` counts UTF-8 bytes, authors see characters)."""
    byte_offset = int(getattr(node, "col_offset", 0))
    return len(body.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore")) + 1


class _Unsupported(Exception):
    def __init__(self, message: str, node: ast.AST) -> None:
        super().__init__(message)
        self.message = message
        self.node = node


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
                raise _Unsupported("'is' is not allowed: use '==' or '!='", node)
        for operand in [node.left, *node.comparators]:
            _check_operand(operand, references)
    elif isinstance(node, ast.Name | ast.Attribute):
        _check_operand(node, references)
    else:
        raise _Unsupported("expected a comparison, 'and', 'or', 'not' or an item reference", node)


def _is_number(node: ast.expr) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    )


def _check_operand(node: ast.expr, references: set[str]) -> None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float | bool):
        return
    if _is_number(node):
        return
    if isinstance(node, ast.List | ast.Tuple):
        for element in node.elts:
            is_text = isinstance(element, ast.Constant) and isinstance(element.value, str)
            if not (is_text or _is_number(element)):
                raise _Unsupported("a list may hold only strings and numbers", element)
        return
    reference = _reference(node)
    if reference is None:
        raise _Unsupported("expected an item id, a string, a number or a list", node)
    references.add(reference)


def _compile(node: ast.expr) -> _Compiled:
    """Closures for a checked tree: the same meaning as walking it, without the walk."""
    if isinstance(node, ast.BoolOp):
        parts = tuple(_compile(v) for v in node.values)
        if isinstance(node.op, ast.And):
            return lambda answers: all(part(answers) for part in parts)
        return lambda answers: any(part(answers) for part in parts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        operand = _compile(node.operand)
        return lambda answers: not operand(answers)
    if isinstance(node, ast.Compare):
        return _compile_compare(node)
    if isinstance(node, ast.Constant | ast.UnaryOp | ast.List | ast.Tuple):
        value = _literal(node)
        return lambda answers: value
    item_id = _reference(node) or ""

    def answer(answers: Answers) -> Any:
        value = answers.get(item_id)
        return None if value == NOT_APPLICABLE else value

    return answer


def _literal(node: ast.expr) -> Any:
    if isinstance(node, ast.List | ast.Tuple):
        return [_literal(element) for element in node.elts]
    if isinstance(node, ast.UnaryOp):
        return -_literal(node.operand)
    assert isinstance(node, ast.Constant)
    return node.value


def _compile_compare(node: ast.Compare) -> _Compiled:
    item_id = _reference(node.left)
    right_node = node.comparators[0]
    if len(node.ops) == 1 and item_id is not None and _reference(right_node) is None:
        return _compile_item_test(item_id, node.ops[0], _literal(right_node))
    left = _compile(node.left)
    steps = tuple(
        (op, _compile(right)) for op, right in zip(node.ops, node.comparators, strict=True)
    )

    def compare(answers: Answers) -> bool:
        value = left(answers)
        for op, right in steps:
            other = right(answers)
            if not _holds(op, value, other):
                return False
            value = other
        return True

    return compare


def _compile_item_test(item_id: str, op: ast.cmpop, constant: Any) -> _Compiled:
    """The common ``item <op> constant``: one closure, the same meaning as :func:`_holds`."""
    if isinstance(op, ast.In | ast.NotIn):
        wanted = isinstance(op, ast.In)

        def member(answers: Answers) -> bool:
            value = answers.get(item_id)
            if value is None or value == NOT_APPLICABLE or not isinstance(constant, list):
                return False
            if isinstance(value, list):
                return any(v in constant for v in value) is wanted
            return (value in constant) is wanted

        return member
    compare = _COMPARISONS[type(op)]

    def test(answers: Answers) -> bool:
        value = answers.get(item_id)
        if value is None or value == NOT_APPLICABLE:
            return False
        try:
            return bool(compare(value, constant))
        except TypeError:
            return False

    return test


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
