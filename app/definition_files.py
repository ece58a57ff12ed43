"""Reading questionnaire definition files (YAML or JSON) with precise error locations.

Every problem reads ``file:path.inside: message (line N)``. YAML is read with YAML 1.2
booleans only (``true``/``false``), so a choice id ``no`` or a label ``on`` stays a string
instead of silently becoming a boolean, as YAML 1.1 would have it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from scoring import Definition, InvalidDefinition, parse_definition


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

_SEGMENT = re.compile(r"([^.\[\]]+)|\[([^\]]+)\]")


@dataclass(frozen=True)
class FileProblem:
    file: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.path}" if self.path else self.file
        line = f" (line {self.line})" if self.line else ""
        return f"{where}: {self.message}{line}"


class DefinitionFileError(ValueError):
    def __init__(self, problems: list[FileProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def read_definition(path: Path) -> Definition:
    """Read and validate one file; raise :class:`DefinitionFileError` naming every problem."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionFileError([FileProblem(name, "", f"cannot read file: {exc}")]) from None
    try:
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)  # noqa: S506  (a SafeLoader subclass)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = f"YAML syntax error: {exc.problem or exc.context}"
        raise DefinitionFileError([FileProblem(name, "", message, line)]) from None
    try:
        return parse_definition(data)
    except InvalidDefinition as exc:
        problems = [
            FileProblem(name, p.path, p.message, _line_of(root, p.path)) for p in exc.problems
        ]
        raise DefinitionFileError(problems) from None


def validate_files(paths: Iterable[Path]) -> list[FileProblem]:
    """Every problem of every file (empty when all are clean)."""
    problems: list[FileProblem] = []
    for path in paths:
        try:
            read_definition(path)
        except DefinitionFileError as exc:
            problems.extend(exc.problems)
    return problems


def definition_files(directory: Path) -> list[Path]:
    """The definition files below a directory: ``<slug>/<version>.yaml`` (or .yml/.json)."""
    return sorted(p for p in directory.glob("*/*") if p.suffix in (".yaml", ".yml", ".json"))


def _line_of(root: Any, path: str) -> int | None:
    """The 1-based line where a problem's path points, as near as the file allows."""
    node, line = root, None
    for key, label in _SEGMENT.findall(path):
        if node is None:
            break
        line = node.start_mark.line + 1
        node = _child(node, key or label, by_label=bool(label))
    return node.start_mark.line + 1 if node is not None else line


def _child(node: Any, key: str, *, by_label: bool) -> Any:
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if getattr(k, "value", None) == key), None)
    if isinstance(node, yaml.SequenceNode) and by_label:
        for index, element in enumerate(node.value):
            if key == str(index):
                return element
            element_id = _child(element, "id", by_label=False)
            if element_id is not None and element_id.value == key:
                return element
    return None
