"""Many partner organisations at once, from a CSV file: all rows or none.

The file is read as UTF-8 (a byte-order mark is dropped) or, failing that, as Windows-1252,
which spreadsheet programs on Windows still write; comma, semicolon and tab separate cells
(whichever the header line uses). The header names the columns: ``name``, ``country`` and
``kind`` are required, ``population``, ``foreign_born_share`` (percent) and ``area_type``
optional, in any order and case; any other column is refused, so that a misspelt one cannot
drop data silently. Every row is checked as the form checks one partner
(:mod:`app.services.partner_fields`), plus names repeated in the file or already in the
project (compared case-insensitively). If any row is wrong nothing is stored and
:class:`ImportRefused` lists every wrong row by line number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from dataclasses import dataclass

from sqlmodel import Session

from app.errors import AppError, InvalidInput
from app.models import Organisation, Project
from app.services import audit, partner_fields, projects
from app.services.partner_fields import PartnerFields
from scoring import shorten

REQUIRED = ("name", "country", "kind")
OPTIONAL = ("population", "foreign_born_share", "area_type")
MAX_ROWS = 1000


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class ImportRefused(InvalidInput):
    """A CSV file with wrong rows: nothing was stored; ``problems`` names each wrong row."""

    type_slug = "import-refused"

    def __init__(self, problems: list[RowProblem]) -> None:
        shown = "; ".join(str(problem) for problem in problems[:20])
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        super().__init__(
            f"nothing was imported: {shown}{more}",
            problems=[{"line": p.line, "message": p.message} for p in problems],
        )
        self.problems = problems


def decode(raw: bytes) -> str:
    """The file's text: UTF-8 (BOM dropped), else Windows-1252."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            [RowProblem(1, f"byte {exc.start + 1} is neither UTF-8 nor Windows-1252 text")]
        ) from None


def _delimiter(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ","


def _columns(header: list[str]) -> list[str]:
    names = [cell.strip().lower() for cell in header]
    missing = [name for name in REQUIRED if name not in names]
    unknown = [name for name in names if name not in REQUIRED + OPTIONAL]
    repeated = sorted({name for name in names if names.count(name) > 1})
    problems = []
    expected = f"expected {', '.join(REQUIRED)} and optionally {', '.join(OPTIONAL)}"
    if missing:
        problems.append(RowProblem(1, f"missing column(s) {', '.join(missing)}; {expected}"))
    if unknown:
        unknown_names = ", ".join(shorten(name) for name in unknown)
        problems.append(RowProblem(1, f"unknown column(s) {unknown_names}; {expected}"))
    if repeated:
        problems.append(RowProblem(1, f"column(s) {', '.join(repeated)} appear twice"))
    if problems:
        raise ImportRefused(problems)
    return names


def parse(text: str, existing: Collection[str] = ()) -> list[PartnerFields]:
    """Every row checked; ``existing``: names already in the project (case-folded)."""
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ImportRefused([RowProblem(1, "the file is empty; the first line names the columns")])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(lines[0]))
    columns = _columns(next(reader))
    rows: list[PartnerFields] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) + len(problems) >= MAX_ROWS:
            problems.append(RowProblem(line, f"more than {MAX_ROWS} rows; split the file"))
            break
        if len(cells) != len(columns):
            problems.append(
                RowProblem(line, f"{len(cells)} cells, but the header names {len(columns)}")
            )
            continue
        try:
            fields = partner_fields.from_texts(dict(zip(columns, cells, strict=True)))
        except AppError as problem:
            problems.append(RowProblem(line, problem.detail))
            continue
        key = fields.name.casefold()
        if key in seen:
            problems.append(
                RowProblem(line, f"name {fields.name!r} is already on line {seen[key]}")
            )
        elif key in existing:
            problems.append(RowProblem(line, f"the project already has {fields.name!r}"))
        seen.setdefault(key, line)
        rows.append(fields)
    if problems:
        raise ImportRefused(problems)
    if not rows:
        raise ImportRefused([RowProblem(2, "no partner rows below the header")])
    return rows


def import_partners(
    session: Session, project: Project, raw: bytes, *, actor: str = audit.OPERATOR
) -> list[Organisation]:
    """Add every partner of the CSV file ``raw`` to ``project``, or none (see module doc)."""
    existing = {o.name.casefold() for o in projects.list_organisations(session, project)}
    rows = parse(decode(raw), existing)
    added = [projects.add_partner(session, project, fields) for fields in rows]
    audit.record(
        session,
        "organisation.import",
        actor=actor,
        object_type="project",
        object_id=project.slug,
        project_id=project.id,
        count=len(added),
    )
    return added
