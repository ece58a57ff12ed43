"""The round CSV, read the fast way (driver rows, answers decoded from their stored text, code
cells taken as stored where the text shows they need nothing), is byte for byte the CSV that
the rules give cell by cell from the ORM: codes and labels, hidden answers, comments, formula
starts and NUL in answers, names and comments, odd stored values, scores stored or not, precise
and day-only times; on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from typing import Any

import pytest
from sqlmodel import Session, col, select

from app import times
from app.models import Organisation, Response, ResponseScore, ResponseStatus, Round
from app.services import round_export, round_rows, synthetic
from app.services.responses import definition_of
from app.services.spreadsheet import csv_document
from tests import factories
from tests.services.test_export_rows import ODD_TEXTS, _per_cell, odd_answers

COMMENTS = ["=SUM(A1)\nsecond line", "\x00start", "plain, with a comma", '"quoted"', "-", ""]


def _by_rules(session: Session, round_: Round, labels: str | None) -> bytes:
    """The CSV cell by cell from ORM objects, every cell neutralised by ``csv_document``."""
    definition = definition_of(session, round_)
    targets = round_rows.score_targets(definition)
    rows: list[list[Any]] = [
        [
            *round_rows.FIXED_COLUMNS,
            *(f"item:{item.id}" for item in definition.items),
            *(f"comment:{dimension.id}" for dimension in definition.dimensions),
            *(column for _kind, _id, column in targets),
        ]
    ]
    submitted = session.exec(
        select(Response)
        .where(Response.round_id == round_.id, Response.status == ResponseStatus.SUBMITTED)
        .order_by(col(Response.id))
    ).all()
    for response in submitted:
        partner = session.get_one(Organisation, response.organisation_id)
        stored = {
            (score.kind, score.target_id): score.score
            for score in session.exec(
                select(ResponseScore).where(ResponseScore.response_id == response.id)
            )
        }
        rows.append(
            [
                response.public_id,
                partner.name,
                partner.country,
                response.stakeholder_group,
                response.language,
                times.iso(response.created_at, day_only=round_.anonymous),
                times.iso(response.submitted_at, day_only=round_.anonymous),
                *_per_cell(definition, labels, response.answers),
                *(response.comments.get(dimension.id) for dimension in definition.dimensions),
                *(stored.get((kind, target)) for kind, target, _column in targets),
            ]
        )
    return csv_document(rows).encode("utf-8")


@pytest.mark.parametrize("anonymous", [False, True], ids=["precise", "day-only"])
def test_the_csv_is_the_cell_by_cell_csv(
    session: Session,
    loaded: list[Any],
    monkeypatch: pytest.MonkeyPatch,
    anonymous: bool,
) -> None:
    project = factories.project(session, min_group_size=1)
    round_ = factories.round_(session, project, slug=factories.FLAGSHIP, anonymous=anonymous)
    definition = definition_of(session, round_)
    rng = random.Random(12)
    partners = [
        factories.organisation(session, project, name)
        for name in ("Saxony", "=HYPERLINK(1)", "\tTabbed", "Ähnlich, mit Komma")
    ]
    profile = synthetic.organisation_profile(definition, rng)
    ordinary = [synthetic.answers_for(definition, profile, rng) for _ in range(24)]
    for index, answers in enumerate(ordinary):
        factories.response(
            session,
            round_,
            partners[index % len(partners)],
            answers,
            submitted=True,
            scored=True,
            stakeholder_group=rng.choice([None, "administration", "@ngo", "-"]),
            language=rng.choice(sorted(definition.languages)),
            comments={
                dimension.id: rng.choice(COMMENTS)
                for dimension in definition.dimensions
                if rng.random() < 0.3
            },
        )
    odd = [odd_answers(definition, rng) for _ in range(6)]
    odd += [  # one formula start among ordinary answers
        {**answers, definition.items[index * 5].id: text}
        for index, (answers, text) in enumerate(zip(ordinary, ODD_TEXTS, strict=False))
    ]
    for answers in odd:  # values no scoring reads: stored unscored
        factories.response(session, round_, rng.choice(partners), answers, submitted=True)
    factories.response(session, round_, partners[0], {}, submitted=True, scored=True)
    factories.response(session, round_, partners[0], ordinary[0])  # a draft: never exported
    session.commit()
    assert b",hidden: " in _by_rules(session, round_, None)  # some answers hidden by a show_if

    for labels in (None, *sorted(definition.languages)):
        prepared = round_export.prepare(session, round_, "csv", labels)
        expected = _by_rules(session, round_, labels)
        assert b"".join(round_export.stream(session, prepared)) == expected, labels
        monkeypatch.setattr(round_rows, "BATCH_SIZE", 7)  # pages end within organisations
        assert b"".join(round_export.stream(session, prepared)) == expected, labels
        monkeypatch.undo()
