"""Exports of a round, read back as a user would: CSV with ``csv``, XLSX with openpyxl, JSON
with ``json``; every number equals the stored score, texts never become formulas, hidden
answers are marked, and anonymous rounds withhold small organisations."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import openpyxl
import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from app.errors import InvalidInput, LanguageNotOffered
from app.models import Organisation, Response, ResponseScore, Round
from app.services import round_export, round_rows
from tests import factories

FULL = {
    "leadership.mandate": 3,
    "leadership.has_budget": "no",
    "leadership.budget_size": 4,  # hidden by has_budget == "no": kept, not counted
    "services.training": "na",
}
SHOWN = {
    "leadership.mandate": 1,
    "leadership.has_budget": "yes",
    "leadership.budget_size": 2,
    "services.training": 4,
}


def _export(session: Session, round_: Round, kind: str, labels: str | None = None) -> bytes:
    prepared = round_export.prepare(session, round_, kind, labels)
    return b"".join(round_export.stream(session, prepared))


def _csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _workbook(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def _sheet(data: bytes, name: str) -> list[dict[str, Any]]:
    rows = list(_workbook(data)[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _stored(session: Session, public_id: str) -> dict[str, float | None]:
    response = session.exec(select(Response).where(Response.public_id == public_id)).one()
    rows = session.exec(select(ResponseScore).where(ResponseScore.response_id == response.id)).all()
    return {
        (row.target_id if row.kind == "overall" else f"{row.kind}:{row.target_id}"): row.score
        for row in rows
    }


@pytest.fixture
def seeded(session: Session) -> factories.Network:
    """Saxony with four responses (one with a hidden answer), a partner whose name starts
    with ``=``, and a draft that no export may show."""
    net = factories.network(session, organisation_name="Saxony")
    tricky = factories.organisation(session, net.project, "=HYPERLINK(1)")
    for answers in (FULL, SHOWN, SHOWN, SHOWN):
        factories.response(
            session, net.round, net.organisation, answers, submitted=True, scored=True
        )
    factories.response(
        session, net.round, tricky, SHOWN, submitted=True, scored=True, stakeholder_group="@ngo"
    )
    factories.response(session, net.round, net.organisation, SHOWN)  # a draft
    session.commit()
    return net


def test_csv_gives_the_stored_scores_and_marks_hidden_answers(
    session: Session, seeded: factories.Network
) -> None:
    rows = _csv(_export(session, seeded.round, "csv"))
    assert len(rows) == 5  # submitted only
    for row in rows:
        stored = _stored(session, row["response"])
        for column, score in stored.items():
            assert row[column] == ("" if score is None else repr(score)), column
    full = [row for row in rows if row["item:leadership.budget_size"] == "hidden: 4"]
    assert len(full) == 1
    assert full[0]["item:leadership.has_budget"] == "no"
    assert full[0]["item:services.training"] == "na"
    assert full[0]["organisation"] == "Saxony"
    assert full[0]["submitted"].endswith("+00:00")  # precise times in a named round


def test_formula_names_are_neutralised_in_csv_and_text_in_xlsx(
    session: Session, seeded: factories.Network
) -> None:
    rows = _csv(_export(session, seeded.round, "csv"))
    assert {row["organisation"] for row in rows} == {"Saxony", "'=HYPERLINK(1)"}
    assert "'@ngo" in {row["stakeholder_group"] for row in rows}

    book = _workbook(_export(session, seeded.round, "xlsx"))
    cells = [c for row in book["responses"].iter_rows() for c in row if c.value == "=HYPERLINK(1)"]
    assert cells, "the name is stored as it is"
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)
    groups = [c for row in book["scores"].iter_rows() for c in row if c.value == "@ngo"]
    assert groups
    assert all(cell.data_type == "s" for cell in groups)


def test_xlsx_sheets_hold_stored_scores_aggregates_and_the_codebook(
    session: Session, seeded: factories.Network
) -> None:
    data = _export(session, seeded.round, "xlsx")
    assert _workbook(data).sheetnames == ["responses", "scores", "organisations", "codebook"]
    scores = _sheet(data, "scores")
    assert len(scores) == 5
    for row in scores:
        for column, score in _stored(session, row["response"]).items():
            # XlsxWriter writes 16 significant digits, as Excel keeps them
            assert row[column] == (score if score is None else pytest.approx(score, rel=1e-14))
    answers = {row["response"]: row for row in _sheet(data, "responses")}
    assert sorted(str(row["item:leadership.budget_size"]) for row in answers.values()) == [
        "2",
        "2",
        "2",
        "2",
        "hidden: 4",
    ]
    organisations = {row["organisation"]: row for row in _sheet(data, "organisations")}
    saxony = organisations["Saxony"]
    assert saxony["responses"] == 4
    assert saxony["status"] == "shown"
    means = [row["dimension:leadership"] for row in scores if row["organisation"] == "Saxony"]
    assert saxony["dimension:leadership"] == pytest.approx(sum(means) / len(means))
    small = organisations["=HYPERLINK(1)"]  # one response, minimum 3
    assert small["status"] == "not enough responses"
    assert small["dimension:leadership"] is None
    codebook = {row["id"]: row for row in _sheet(data, "codebook")}
    assert codebook["item:leadership.budget_size"]["reverse"] == "yes"
    assert codebook["item:leadership.mandate"]["reverse"] == "no"
    assert codebook["item:leadership.mandate"]["text"] == "Mandate?"
    assert "na = don't know" in codebook["item:services.training"]["values"]
    assert "0 = not at all" in codebook["item:services.training"]["values"]


def test_labels_in_german(session: Session, seeded: factories.Network) -> None:
    rows = _csv(_export(session, seeded.round, "csv", labels="de"))
    full = next(row for row in rows if row["item:leadership.has_budget"] == "nein")
    assert full["item:leadership.mandate"] == "weitgehend"
    assert full["item:services.training"] == "weiß nicht"
    assert full["item:leadership.budget_size"] == "hidden: voll"
    codebook = {
        row["id"]: row for row in _sheet(_export(session, seeded.round, "xlsx", "de"), "codebook")
    }
    assert codebook["item:leadership.mandate"]["text"] == "Mandat?"
    data = json.loads(_export(session, seeded.round, "json", labels="de"))
    labels = {answer["label"] for entry in data["responses"] for answer in entry["answers"]}
    assert {"ja", "nein", "weiß nicht"} <= labels


def test_json_lists_every_answer_with_whether_it_counted(
    session: Session, seeded: factories.Network
) -> None:
    data = json.loads(_export(session, seeded.round, "json"))
    assert data["questionnaire"] == {"slug": "mini", "version": "1.0"}
    assert len(data["responses"]) == 5
    for entry in data["responses"]:
        assert entry["scores"] == _stored(session, entry["response"])
    hidden = [a for e in data["responses"] for a in e["answers"] if not a["counted"]]
    assert hidden == [
        {
            "item": "leadership.budget_size",
            "dimension": "leadership",
            "value": 4,
            "counted": False,
            "reason": "hidden",
            "note": "question hidden by an earlier answer: kept, not counted",
        }
    ]
    statuses = {entry["organisation"]: entry["status"] for entry in data["organisations"]}
    assert statuses == {"Saxony": "shown", "=HYPERLINK(1)": "not enough responses"}
    assert data["withheld"] == []


def test_an_anonymous_round_withholds_organisations_below_the_minimum(
    session: Session,
) -> None:
    net = factories.network(session, organisation_name="Saxony", anonymous=True)
    small = factories.organisation(session, net.project, "Small town")
    for _ in range(3):
        factories.response(session, net.round, net.organisation, SHOWN, submitted=True, scored=True)
    for _ in range(2):
        factories.response(session, net.round, small, SHOWN, submitted=True, scored=True)
    session.commit()

    rows = _csv(_export(session, net.round, "csv"))
    assert [row["organisation"] for row in rows] == ["Saxony"] * 3
    assert all(len(row["submitted"]) == len("2026-11-30") for row in rows)  # days only
    data = _export(session, net.round, "xlsx")
    assert {row["organisation"] for row in _sheet(data, "responses")} == {"Saxony"}
    assert {row["organisation"] for row in _sheet(data, "scores")} == {"Saxony"}
    statuses = {row["organisation"]: row["status"] for row in _sheet(data, "organisations")}
    assert statuses == {"Saxony": "shown", "Small town": "not enough responses"}
    document = json.loads(_export(session, net.round, "json"))
    assert {entry["organisation"] for entry in document["responses"]} == {"Saxony"}
    assert document["withheld"] == [{"organisation": "Small town", "responses": 2}]


def test_an_empty_round_gives_valid_files_with_headers(session: Session) -> None:
    net = factories.network(session)
    session.commit()
    data = _export(session, net.round, "csv")
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header[:2] == ["response", "organisation"]
    assert "item:leadership.mandate" in header
    assert header[-1] == "overall"
    assert _csv(data) == []
    book = _workbook(_export(session, net.round, "xlsx"))
    assert [book[name].max_row for name in ("responses", "scores", "organisations")] == [1, 1, 1]
    assert book["codebook"].max_row > 1
    document = json.loads(_export(session, net.round, "json"))
    assert (document["responses"], document["organisations"]) == ([], [])


def test_the_export_reads_in_pages(
    session: Session, seeded: factories.Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keyset pages smaller than the round give the same file as one page."""
    whole = _export(session, seeded.round, "csv")
    monkeypatch.setattr(round_rows, "BATCH_SIZE", 2)
    assert _export(session, seeded.round, "csv") == whole


def test_bad_format_and_language_are_refused(session: Session, seeded: factories.Network) -> None:
    with pytest.raises(InvalidInput, match="csv, xlsx, json"):
        round_export.prepare(session, seeded.round, "pdf")
    with pytest.raises(LanguageNotOffered):
        round_export.prepare(session, seeded.round, "csv", "fr")
    assert session.exec(select(Organisation)).all()


@pytest.mark.parametrize("name", ["=1+2", "+49 30", "-minus", "@SUM(A1)"])
def test_every_formula_trigger_is_neutralised(session: Session, name: str) -> None:
    net = factories.network(session, organisation_name=name)
    factories.response(
        session,
        net.round,
        net.organisation,
        SHOWN,
        submitted=True,
        scored=True,
        stakeholder_group="\tgroup",
    )
    session.commit()
    [row] = _csv(_export(session, net.round, "csv"))
    assert (row["organisation"], row["stakeholder_group"]) == (f"'{name}", "'\tgroup")
    book = _workbook(_export(session, net.round, "xlsx"))
    cells = {cell.value: cell for cell in book["responses"][2]}
    for value in (name, "\tgroup"):
        assert cells[value].data_type == "s"
        assert cells[value].quotePrefix


def test_a_page_is_read_in_id_order_from_the_round_index(
    session: Session, seeded: factories.Network
) -> None:
    """Keyset pages never sort or scan the round: each page costs its own rows."""
    assert seeded.round.id is not None
    query = round_rows.page_query(seeded.round.id, [1, 2, 3], 5)
    dialect = session.get_bind().dialect
    sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    if dialect.name == "sqlite":
        plan = "\n".join(str(row[-1]) for row in session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
        assert "USING INDEX ix_response_round_id (round_id=? AND rowid>?)" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
    else:
        # PostgreSQL plans by cost, and on a handful of rows it sorts them; on a real round it
        # reads pk_response in id order (docs/performance.md). Ruling out scans and sorts
        # shows that an index gives the order.
        session.execute(text("SET LOCAL enable_seqscan = off"))
        session.execute(text("SET LOCAL enable_sort = off"))
        [plan] = session.execute(text(f"EXPLAIN (FORMAT JSON) {sql}")).one()
        assert '"Sort"' not in json.dumps(plan), plan


def test_comments_have_a_column_per_page_and_stay_text(session: Session) -> None:
    """A respondent's page comments come out in every format; one that would start a formula
    is neutralised in the CSV and stored as text in the XLSX."""
    net = factories.network(session, organisation_name="Saxony")
    factories.response(
        session,
        net.round,
        net.organisation,
        SHOWN,
        submitted=True,
        scored=True,
        comments={"leadership": "=SUM(A1)\nsecond line", "services": "Gut so"},
    )
    factories.response(session, net.round, net.organisation, SHOWN, submitted=True, scored=True)
    session.commit()

    rows = _csv(_export(session, net.round, "csv"))
    assert [(row["comment:leadership"], row["comment:services"]) for row in rows] == [
        ("'=SUM(A1)\nsecond line", "Gut so"),
        ("", ""),
    ]
    data = _export(session, net.round, "xlsx")
    sheet = _sheet(data, "responses")
    assert [(row["comment:leadership"], row["comment:services"]) for row in sheet] == [
        ("=SUM(A1)\nsecond line", "Gut so"),
        (None, None),
    ]
    cells = [
        c
        for row in _workbook(data)["responses"].iter_rows()
        for c in row
        if c.value == "=SUM(A1)\nsecond line"
    ]
    assert cells
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)
    codebook = {row["id"]: row for row in _sheet(data, "codebook")}
    assert codebook["comment:leadership"]["kind"] == "comment"
    document = json.loads(_export(session, net.round, "json"))
    assert [entry["comments"] for entry in document["responses"]] == [
        {"leadership": "=SUM(A1)\nsecond line", "services": "Gut so"},
        {},
    ]
