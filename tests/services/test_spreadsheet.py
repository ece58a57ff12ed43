"""Exports follow OWASP ASVS 5.0 V1.2.10: no cell of any row, headers included, can start a
spreadsheet formula; numbers stay numbers."""

from __future__ import annotations

import csv
import doctest
import io

import pytest

from app.models import Organisation, Project, Response, Round
from app.services import response_export, spreadsheet
from app.services.responses import Context
from scoring import parse_definition, score_response
from tests.helpers import minimal_definition


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+49 30", "'+49 30"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\n=1", "'\n=1"),
        ("\x00=1", "'\x00=1"),
        ("fine", "fine"),
        ("a=b", "a=b"),
        ("", ""),
        (-3, -3),
        (2.5, 2.5),
        (None, None),
    ],
)
def test_a_cell_cannot_start_a_formula(cell: object, safe: object) -> None:
    assert spreadsheet.neutralise(cell) == safe


def test_the_docstring_examples_hold() -> None:
    assert doctest.testmod(spreadsheet).failed == 0


def test_every_row_is_neutralised_the_header_too() -> None:
    text = spreadsheet.csv_document([("=header", "@name"), ("-1", -1), ("\x00x", "ok")])
    assert text.startswith("\ufeff")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [["'=header", "'@name"], ["'-1", "-1"], ["'\x00x", "ok"]]


def test_a_respondents_csv_neutralises_author_texts_and_answers() -> None:
    data = minimal_definition()
    data["items"][0]["text"]["en"] = '=HYPERLINK("http://evil")'
    data["dimensions"][0]["title"]["en"] = "@Leadership"
    definition = parse_definition(data)
    answers = {"leadership.mandate": 1, "leadership.has_budget": "no"}
    response = Response(
        round_id=1,
        organisation_id=1,
        language="en",
        answers=answers,
        comments={"leadership": "-2+3"},
    )
    context = Context(
        response=response,
        round=Round(project_id=1, questionnaire_version_id=1, name="Baseline"),
        organisation=Organisation(project_id=1, name="Saxony"),
        project=Project(slug="net", name="Network"),
        definition=definition,
    )
    text = response_export.export_csv(context, score_response(definition, answers))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://evil")' in cells
    assert "'@Leadership" in cells
    assert "'-2+3" in cells
    assert not [cell for cell in cells if cell.startswith(spreadsheet.FORMULA_TRIGGERS)]


def test_chunks_join_to_the_document_with_the_bom_first() -> None:
    rows = [("=a", 1), ("b", -2), ("@c", "x")] * 5
    chunks = list(spreadsheet.csv_chunks(rows, rows_per_chunk=4))
    assert chunks[0] == "\ufeff"
    assert len(chunks) == 1 + 4  # 15 rows in pieces of 4
    assert "".join(chunks) == spreadsheet.csv_document(rows)
