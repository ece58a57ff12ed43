"""The JSON of a round export: one object written piece by piece (memory flat in the number
of responses). See :mod:`app.services.round_export` for the rules.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from app.services.answer_records import answer_records
from app.services.export_rows import label_of
from app.services.round_rows import (
    NOT_ENOUGH,
    SHOWN,
    Exported,
    Progress,
    aggregates,
    responses,
    score_targets,
)

if TYPE_CHECKING:
    from app.services.round_export import RoundExport


def json_chunks(
    session: Session, export: RoundExport, progress: Progress | None = None
) -> Iterator[str]:
    """One JSON object, written piece by piece: the round's facts, then ``responses`` (one
    array element per response), then ``organisations`` (aggregates) and ``withheld``."""
    head = {
        "project": export.project_slug,
        "round": {"id": export.round_id, "name": export.round_name},
        "questionnaire": {"slug": export.questionnaire, "version": export.version},
        "times": "day_only" if export.anonymous else "precise",
        "anonymous": export.anonymous,
        "min_group_size": export.min_group_size,
        "labels": export.labels,
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "responses": ['
    targets = score_targets(export.definition)
    first = True
    for row in responses(session, export, progress):
        yield ("" if first else ",") + json.dumps(
            _response_json(export, targets, row), ensure_ascii=False
        )
        first = False
    yield '], "organisations": ['
    first = True
    for aggregate in aggregates(session, export):
        group = aggregate.group
        entry = {
            "organisation": aggregate.organisation.name,
            "country": aggregate.organisation.country,
            "kind": aggregate.organisation.kind,
            "responses": group.count,
            "status": SHOWN if group.shown else NOT_ENOUGH,
            "dimensions": {
                key: {"n": score.n, "mean": score.mean, "median": score.median, "sd": score.sd}
                for key, score in (group.dimensions or {}).items()
            }
            if group.shown
            else None,
            "disagreements": list(group.disagreements),
        }
        yield ("" if first else ",") + json.dumps(entry, ensure_ascii=False)
        first = False
    withheld = [
        {"organisation": export.partners[key].name, "responses": export.partners[key].responses}
        for key in export.partners
        if key in export.withheld
    ]
    yield '], "withheld": ' + json.dumps(withheld, ensure_ascii=False) + "}"


def _response_json(
    export: RoundExport, targets: Sequence[tuple[str, str, str]], row: Exported
) -> dict[str, Any]:
    definition = export.definition
    partner = export.partners[row.organisation_id]
    answers = []
    for record in answer_records(definition, row.answers):
        entry = record.to_dict()
        if export.labels is not None and record.dimension:
            entry["label"] = label_of(
                definition, definition.item(record.item_id), record.value, export.labels
            )
        answers.append(entry)
    return {
        "response": row.public_id,
        "organisation": partner.name,
        "country": partner.country,
        "stakeholder_group": row.stakeholder_group,
        "language": row.language,
        "started": row.started,
        "submitted": row.submitted,
        "answers": answers,
        "comments": {
            dimension.id: row.comments[dimension.id]
            for dimension in definition.dimensions
            if dimension.id in row.comments
        },
        "scores": {column: row.scores.get((kind, target)) for kind, target, column in targets},
    }
