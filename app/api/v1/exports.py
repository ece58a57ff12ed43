"""Exports of a round (``exports:read``): CSV, XLSX or JSON, streamed.

The same code as the facilitators' download (:mod:`app.services.round_export`): stored scores
only, anonymous rounds withhold organisations below the minimum group size, every text cell
safe from spreadsheet formulas. The request is checked and audited before the first byte; the
file is then read in pages from a unit of work of its own (:mod:`app.downloads`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from app.api.auth import Authenticated, ExportsReader
from app.api.problem_docs import PROBLEM_RESPONSES, TOKEN_RESPONSES, problem
from app.api.v1.response_schemas import RoundId
from app.deps import WriterSessionDep
from app.downloads import round_file
from app.errors import LanguageNotOffered
from app.services import directory, round_export
from app.services.response_intake import API_ACTOR
from scoring import LanguageCode

router = APIRouter(
    tags=["exports"],
    dependencies=[Authenticated],
    responses={**PROBLEM_RESPONSES, **TOKEN_RESPONSES},
)


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"


FILE: dict[str, Any] = {"schema": {"type": "string", "format": "binary"}}
DOCUMENT: dict[str, Any] = {
    "schema": {
        "type": "object",
        "description": "round facts, `responses` (each with answers marked `counted` and the "
        "stored scores), `organisations` (aggregates) and `withheld`",
        "required": ["round", "questionnaire", "responses", "organisations", "withheld"],
    }
}


@router.get(
    "/rounds/{round_id}/export",
    summary="A round's responses and scores as CSV, XLSX or JSON (streamed)",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The file, as an attachment. CSV: UTF-8 with BOM, one row per "
            "exported response. XLSX: sheets responses, scores, organisations, codebook. "
            "Anonymous rounds leave out organisations below the minimum group size.",
            "content": {
                round_export.MEDIA_TYPES["csv"]: FILE,
                round_export.MEDIA_TYPES["xlsx"]: FILE,
                round_export.MEDIA_TYPES["json"]: DOCUMENT,
            },
        },
        404: problem(
            "No such round in the token's project, or labels in a language the questionnaire "
            "version does not offer (`available` lists those)",
            LanguageNotOffered,
            {"available": ["de", "en"]},
        ),
    },
)
def export_round(
    request: Request,
    round_id: RoundId,
    caller: ExportsReader,
    session: WriterSessionDep,  # the audit event
    export_format: Annotated[ExportFormat, Query(alias="format", description="The file format")],
    labels: Annotated[
        LanguageCode | None,
        Query(description="Answers as their labels in this language instead of codes"),
    ] = None,
) -> StreamingResponse:
    round_ = directory.round_(session, caller.project_id, round_id)
    export = round_export.prepare(session, round_, export_format.value, labels)
    round_export.record(session, export, actor=API_ACTOR.format(caller.token_id))
    return round_file(request, export)
