"""``radar quality``: the instrument quality of a questionnaire version across a project's
rounds (read-only, one unit of work), as the facilitator page shows it.

Lines are tab-separated: per dimension ``dimension ID ALPHA N REASON`` (``-`` for no alpha, the
reason a code of :func:`app.services.instrument_quality.to_dict`), then per question ``item ID
ITEM_REST ALPHA_IF_DROPPED MISSING% N/A% FLAGS``. ``--json`` prints the whole report.
"""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli.common import read_session, say, say_json, say_row
from app.services import instrument_quality, projects, rounds


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{100 * rate:.0f}%"


def quality(
    project: Annotated[str, typer.Argument(help="Project slug")],
    questionnaire: Annotated[str, typer.Argument(help="Questionnaire slug")],
    version: Annotated[str, typer.Argument(help="Questionnaire version")],
    round_: Annotated[
        list[str] | None,
        typer.Option("--round", help="A round's name (repeatable); default: every round on it"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Show alpha per dimension and item figures of a questionnaire version's rounds."""
    with read_session() as session:
        found_project = projects.get_project_by_slug(session, project)
        ids = [rounds.get_round(session, found_project, name).id or 0 for name in round_ or []]
        found = instrument_quality.gather(session, found_project, questionnaire, version, ids)
        data = instrument_quality.to_dict(found)
    if as_json:
        say_json(data)
        return
    say(f"{data['responses']} submitted responses, minimum group size {data['min_group_size']}")
    if not data["shown"]:
        say("not enough responses: no figures")
        return
    for dimension in data["dimensions"]:
        say_row(
            "dimension",
            dimension["id"],
            _figure(dimension["alpha"]),
            dimension["complete_responses"],
            dimension["no_alpha_reason"] or "",
        )
        for item in dimension["items"]:
            say_row(
                "item",
                item["id"],
                _figure(item["item_rest_correlation"]),
                _figure(item["alpha_if_dropped"]),
                _percent(item["missing_rate"]),
                _percent(item["not_applicable_rate"]),
                ",".join(item["flags"]),
            )
