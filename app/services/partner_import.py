"""Many partner organisations at once, from a CSV file: all rows or none.

The file is read as UTF-8 (a byte-order mark is dropped) or, failing that, as Windows-1252,
which spreadsheet programs on Windows still write; comma, semicolon and tab separate cells
(whichever the header line uses). The header names the columns: ``name``, ``country`` and
``kind`` are required, ``population``, ``foreign_born_share`` (percent) and ``area_type``
optional, in any order and case; any other column is refused, so that a misspelt one cannot
drop data silently. Every row is checked as the form checks one partner
(:mod:`app.services.partner_fields`), plus names repeated in the file or already in the
project (compared case-insensitively). If any row is wrong nothing is stored and
:class:`ImportRefused` lists every problem of every wrong row by line number (a row with a
wrong country and a wrong kind is named twice). Every message is an
:class:`~app.i18n.Message`, so the import page shows them in its language.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from dataclasses import dataclass

from sqlmodel import Session

from app.errors import InvalidInput
from app.i18n import N_, Message
from app.models import Organisation, Project
from app.services import audit, partner_fields, projects
from app.services.partner_fields import PartnerFields
from scoring import shorten

REQUIRED = ("name", "country", "kind")
OPTIONAL = ("population", "foreign_born_share", "area_type")
MAX_ROWS = 1000


ON_LINE = N_("line %(line)s: %(problem)s")
NOT_IMPORTED = N_("nothing was imported: %(problems)s")
AND_MORE = N_("%(problems)s (and %(more)s more)")
NOT_DECODABLE = N_("byte %(position)s is neither UTF-8 nor Windows-1252 text")
UTF16 = N_(
    "the file is UTF-16 text; only UTF-8 and Windows-1252 are accepted: save it as "
    "“CSV UTF-8” and import it again"
)
MISSING_COLUMNS = N_("missing column(s) %(names)s; %(expected)s")
UNKNOWN_COLUMNS = N_("unknown column(s) %(names)s; %(expected)s")
EXPECTED_COLUMNS = N_("expected %(required)s and optionally %(optional)s")
REPEATED_COLUMNS = N_("column(s) %(names)s appear twice")
EMPTY_FILE = N_("the file is empty; the first line names the columns")
TOO_MANY_ROWS = N_("more than %(limit)s rows; split the file")
CELL_COUNT = N_("%(cells)s cells, but the header names %(columns)s")
NAME_REPEATED = N_("name %(name)s is already on line %(line)s")
NAME_EXISTS = N_("the project already has %(name)s")
NO_ROWS = N_("no partner rows below the header")
SHOWN = 20
"""Problems the detail names; ``problems`` lists them all."""


@dataclass(frozen=True)
class RowProblem:
    """One problem of one line of the file (several for a row with several wrong cells)."""

    line: int
    message: Message | str

    @property
    def text(self) -> Message:
        """ "line 3: ..." as pages show it (translated)."""
        return Message(ON_LINE, line=self.line, problem=self.message)

    def __str__(self) -> str:
        return str(self.text)


class ImportRefused(InvalidInput):
    """A CSV file with wrong rows: nothing was stored; ``problems`` names every problem of
    every wrong row."""

    type_slug = "import-refused"

    def __init__(self, problems: list[RowProblem]) -> None:
        shown = "; ".join(str(problem) for problem in problems[:SHOWN])
        listed = (
            Message(AND_MORE, problems=shown, more=len(problems) - SHOWN)
            if len(problems) > SHOWN
            else shown
        )
        super().__init__(
            Message(NOT_IMPORTED, problems=listed),
            problems=[{"line": p.line, "message": str(p.message)} for p in problems],
        )
        self.problems = problems


def decode(raw: bytes) -> str:
    """The file's text: UTF-8 (BOM dropped), else Windows-1252; UTF-16 (a byte-order mark or
    the zero bytes of Latin letters) is refused naming the encoding, since Windows-1252 would
    read it as letters between zero bytes."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in raw[:200]:
        raise ImportRefused([RowProblem(1, Message(UTF16))])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            [RowProblem(1, Message(NOT_DECODABLE, position=exc.start + 1))]
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
    expected = Message(EXPECTED_COLUMNS, required=", ".join(REQUIRED), optional=", ".join(OPTIONAL))
    if missing:
        listed = ", ".join(missing)
        problems.append(RowProblem(1, Message(MISSING_COLUMNS, names=listed, expected=expected)))
    if unknown:
        listed = ", ".join(shorten(name) for name in unknown)
        problems.append(RowProblem(1, Message(UNKNOWN_COLUMNS, names=listed, expected=expected)))
    if repeated:
        problems.append(RowProblem(1, Message(REPEATED_COLUMNS, names=", ".join(repeated))))
    if problems:
        raise ImportRefused(problems)
    return names


def parse(text: str, existing: Collection[str] = ()) -> list[PartnerFields]:
    """Every row checked; ``existing``: names already in the project (case-folded)."""
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ImportRefused([RowProblem(1, Message(EMPTY_FILE))])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(lines[0]))
    columns = _columns(next(reader))
    rows: list[PartnerFields] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    counted = 0
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        counted += 1
        if counted > MAX_ROWS:
            problems.append(RowProblem(line, Message(TOO_MANY_ROWS, limit=MAX_ROWS)))
            break
        if len(cells) != len(columns):
            problems.append(
                RowProblem(line, Message(CELL_COUNT, cells=len(cells), columns=len(columns)))
            )
            continue
        fields, wrong = partner_fields.problems_of(dict(zip(columns, cells, strict=True)))
        problems.extend(RowProblem(line, problem.message) for problem in wrong)
        if fields is None:
            continue
        key = fields.name.casefold()
        if key in seen:
            problems.append(
                RowProblem(line, Message(NAME_REPEATED, name=repr(fields.name), line=seen[key]))
            )
        elif key in existing:
            problems.append(RowProblem(line, Message(NAME_EXISTS, name=repr(fields.name))))
        seen.setdefault(key, line)
        rows.append(fields)
    if problems:
        raise ImportRefused(problems)
    if not rows:
        raise ImportRefused([RowProblem(2, Message(NO_ROWS))])
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
