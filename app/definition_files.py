"""Reading questionnaire definition files (YAML or JSON) with precise error locations.

Every problem reads ``file:path.inside: message (line N)``. YAML is read with YAML 1.2
booleans only (``true``/``false``), so a choice id ``no`` or a label ``on`` stays a string
instead of silently becoming a boolean, as YAML 1.1 would have it.

Files may come from authors we do not trust, so reading one is bounded before anything is
built from it: the file's size, then (on the parser's event stream, which needs no recursion)
the nesting depth and the number of values with every alias counted as what it repeats. Only
then is the document composed and constructed (once), and validated.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from scoring import (
    DEFINITION_DEPTH,
    DEFINITION_FILE_BYTES,
    DEFINITION_NODES,
    Definition,
    InvalidDefinition,
    parse_definition,
)


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader (libyaml's parser where installed: ten times faster) with YAML 1.2 booleans."""


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
    return definition_from_text(_read_text(path, name), name)


def definition_from_text(text: str, name: str) -> Definition:
    """Validate the text of a definition file named ``name`` as :func:`read_definition` does
    (the same bounds, YAML rules and problems), e.g. a file about to be written."""
    if len(text.encode("utf-8")) > DEFINITION_FILE_BYTES:
        message = f"the file is larger than {DEFINITION_FILE_BYTES} bytes"
        raise DefinitionFileError([FileProblem(name, "", message)])
    try:
        _check_shape(text)
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            data = None if root is None else loader.construct_document(root)
        finally:
            loader.dispose()
    except _TooLarge as exc:
        raise DefinitionFileError([FileProblem(name, "", exc.message, exc.line)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = f"YAML syntax error: {exc.problem or exc.context}"
        raise DefinitionFileError([FileProblem(name, "", message, line)]) from None
    except yaml.reader.ReaderError as exc:  # a control character YAML does not allow
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        character = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "a byte"
        message = f"YAML syntax error: {_sentence(exc.reason)} ({character})"
        raise DefinitionFileError([FileProblem(name, "", message, line)]) from None
    except yaml.YAMLError as exc:
        message = f"YAML error: {_sentence(str(exc))}"
        raise DefinitionFileError([FileProblem(name, "", message)]) from None
    except (ValueError, OverflowError) as exc:  # a date such as 2027-13-45, a 5,000-digit int
        message = f"YAML value cannot be read: {_sentence(str(exc))}"
        raise DefinitionFileError([FileProblem(name, "", message)]) from None
    try:
        return parse_definition(data)
    except InvalidDefinition as exc:
        problems = [
            FileProblem(name, p.path, p.message, _line_of(root, p.path) if p.path else None)
            for p in exc.problems
        ]
        raise DefinitionFileError(problems) from None


class _TooLarge(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _read_text(path: Path, name: str) -> str:
    """The file as text, refusing more than :data:`~scoring.limits.DEFINITION_FILE_BYTES`
    without reading further (the path might be a device or a huge file)."""
    try:
        with path.open("rb") as source:
            raw = source.read(DEFINITION_FILE_BYTES + 1)
    except OSError as exc:
        raise DefinitionFileError([FileProblem(name, "", f"cannot read file: {exc}")]) from None
    if len(raw) > DEFINITION_FILE_BYTES:
        message = f"the file is larger than {DEFINITION_FILE_BYTES} bytes"
        raise DefinitionFileError([FileProblem(name, "", message)])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        message = f"cannot read file: not valid UTF-8 (byte {exc.start + 1})"
        raise DefinitionFileError([FileProblem(name, "", message)]) from None


def _sentence(text: str, limit: int = 200) -> str:
    """A message from a library as one bounded line."""
    line = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return line if len(line) <= limit else line[:limit] + "…"


def _check_shape(text: str) -> None:
    """Refuse documents nested deeper than :data:`~scoring.limits.DEFINITION_DEPTH` or with
    more than :data:`~scoring.limits.DEFINITION_NODES` values once aliases are expanded.

    Works on the parser's events, before any node or object exists: each open collection
    remembers the count and depth where it began, so an anchored one knows, when it ends,
    how many values and levels an alias to it repeats.
    """
    anchors: dict[str, tuple[int, int]] = {}  # anchor -> (values, levels below)
    open_: list[tuple[str | None, int, list[int]]] = []  # (anchor, count at start, [deepest])
    count = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionEndEvent):
            anchor, start, (deepest,) = open_.pop()
            if open_:
                open_[-1][2][0] = max(open_[-1][2][0], deepest)
            if anchor is not None:
                anchors[anchor] = (count - start, deepest - len(open_) - 1)
            continue
        if not isinstance(event, yaml.NodeEvent):
            continue
        values, below = (1, 0)
        if isinstance(event, yaml.AliasEvent):
            if any(anchor == event.anchor for anchor, _start, _deepest in open_):
                line = event.start_mark.line + 1 if event.start_mark else None
                raise _TooLarge("an alias inside the node it refers to (a cycle)", line)
            values, below = anchors.get(str(event.anchor), (1, 0))
        depth = len(open_) + 1 + below
        count += values
        line = event.start_mark.line + 1 if event.start_mark else None
        if depth > DEFINITION_DEPTH:
            raise _TooLarge(f"nested deeper than {DEFINITION_DEPTH} levels", line)
        if count > DEFINITION_NODES:
            raise _TooLarge(
                f"more than {DEFINITION_NODES} values (counting what aliases repeat)", line
            )
        if open_:
            open_[-1][2][0] = max(open_[-1][2][0], depth)
        if isinstance(event, yaml.CollectionStartEvent):
            open_.append((event.anchor, count - 1, [depth]))
        elif isinstance(event, yaml.ScalarEvent) and event.anchor is not None:
            anchors[event.anchor] = (1, 0)


def dump_definition(data: Mapping[str, Any], comment: str) -> str:
    """Definition data as the text of a definition file, headed by ``comment`` lines.

    PyYAML quotes every string that YAML 1.1 would read as something else (``"1.0"``,
    ``"no"``), so :func:`read_definition` reads back exactly ``data``.
    """
    header = "".join(f"# {line}\n".replace("# \n", "#\n") for line in comment.splitlines())
    body = yaml.safe_dump(
        dict(data), allow_unicode=True, sort_keys=False, width=100, default_flow_style=False
    )
    return header + body


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


JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


@cache
def definition_schema() -> tuple[bytes, str]:
    """The JSON Schema (draft 2020-12) of the definition format: the file a questionnaire is
    written in, the same document ``GET /api/v1/questionnaires/{slug}/versions/{version}``
    answers. Returns the schema as UTF-8 JSON and a strong ETag (a SHA-256 prefix of it).

    Built once from :class:`scoring.Definition` (the model that reads every file), so what
    the schema allows and what ``radar questionnaires validate`` accepts cannot drift apart;
    the schema cannot say everything that model checks (that a ``show_if`` names an earlier
    item, that weights are positive ...): those problems are reported on validation."""
    schema = {
        "$schema": JSON_SCHEMA_DIALECT,
        **Definition.model_json_schema(),
        "title": "Integration Radar questionnaire definition",
    }
    body = json.dumps(schema, ensure_ascii=False, indent=2).encode()
    return body, f'"{hashlib.sha256(body).hexdigest()[:32]}"'
