"""Change between rounds: every organisation's topics in an earlier round and this one.

GET parameters, like the dashboard's (a shareable address; nothing changes): ``before`` (the
earlier round; default the latest earlier round of a comparable version), ``country``,
``kind``, ``group``, ``only`` (repeated) and ``topic`` (``<kind>:<id>``, the topic the dumbbell
chart draws; default the overall index; one not compared is refused, naming the allowed ones).
Numbers from :func:`app.services.round_change.round_change` (stored scores). Each change is
written with its sign, an arrow and a word, never by colour alone; the chart has a table under
it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app import charts_cohort, limits
from app.deps import SessionDep
from app.errors import InvalidInput, choice
from app.i18n import N_, Localizer, Message
from app.models import Round
from app.services import cohort, directory, projects, round_change
from app.services.round_change import RoundChange
from app.templating import localizer_for
from app.web.change_cells import change_cell, columns, incomparable_notes, topic_cell
from app.web.facilitate.access import (
    AREA,
    FacilitatorDep,
    ProjectDep,
    RoundDep,
    group_labels,
    render,
)
from app.web.facilitate.dashboard import IdsQuery, TextQuery, filter_choices
from app.web.plotly_bundle import plotly_style_guards
from app.web.topic_columns import Column
from scoring import shorten

router = APIRouter(dependencies=AREA)

NOT_A_TOPIC = N_("topic: %(value)s is none of %(allowed)s")


def _drawn(shown: list[Column], topic: str) -> Column:
    """The topic the chart draws: ``topic`` (``<kind>:<id>``) when given, else the last column
    (the overall index); one that is not compared is refused, naming the allowed ones."""
    if not topic:
        return shown[-1]
    keys = {f"{c.kind.value}:{c.id}": c for c in shown}
    if topic not in keys:
        raise InvalidInput(
            Message(NOT_A_TOPIC, value=shorten(topic), allowed=", ".join(keys)), field="topic"
        )
    return keys[topic]


def _chart(i18n: Localizer, found: RoundChange, column: Column) -> dict[str, Any]:
    shown = found.shown
    mean = found.cohort[column.kind][column.id]
    rows = [*(one.organisation.name for one in shown), i18n.gettext("Cohort mean")]
    before = [*(one.topics[column.kind][column.id].before for one in shown), mean.before]
    after = [*(one.topics[column.kind][column.id].after for one in shown), mean.after]
    return charts_cohort.dumbbell(
        rows,
        before,
        after,
        before_label=found.before.name,
        after_label=found.after.name,
        number=i18n.score,
    )


@router.get("/projects/{slug}/rounds/{round_id}/change", name="facilitate.change")
def change(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    round_: RoundDep,
    before: Annotated[int | None, Query(ge=1, le=limits.INT_MAX)] = None,
    country: TextQuery = "",
    kind: TextQuery = "",
    group: TextQuery = "",
    only: IdsQuery = [],  # noqa: B006 (FastAPI copies defaults)
    topic: TextQuery = "",
) -> Response:
    """The change page (see the module's description); a bad filter is a 422 error page, as is
    ``before`` naming a round of another project; rounds of incomparable versions a 409 page
    with the reason."""
    assert project.id is not None
    chosen = cohort.filters(country=country, kind=kind, group=group, organisations=only)
    cohort.check_chosen(session, project, chosen, "only")  # also with no earlier round
    earlier = round_change.earlier_rounds(session, round_)
    previous: Round | None = earlier[0] if earlier else None
    if before is not None:
        previous = choice("before", lambda: directory.round_(session, project.id, before))
    i18n = localizer_for(request)
    found = (
        round_change.round_change(session, project, previous, round_, chosen)
        if previous is not None
        else None
    )
    context: dict[str, Any] = {"columns": [], "chart": None}
    if found is not None:
        shown_columns = columns(i18n, found)
        drawn = _drawn(shown_columns, topic)
        context = {
            "columns": shown_columns,
            "drawn": drawn,
            "cells": {
                (one.organisation.id, c.kind, c.id): topic_cell(i18n, one.topics[c.kind][c.id])
                for one in found.shown
                for c in shown_columns
            },
            "means": {
                (c.kind, c.id): change_cell(i18n, m.before, m.after, m.change)
                for c in shown_columns
                for m in (found.cohort[c.kind][c.id],)
            },
            "mean_counts": {(c.kind, c.id): found.cohort[c.kind][c.id].n for c in shown_columns},
            "incomparable": incomparable_notes(i18n, found),
            "chart": _chart(i18n, found, drawn) if found.shown else None,
        }
    partners = projects.list_organisations(session, project)
    return render(
        request,
        facilitator,
        "facilitate/change.html",
        {
            "project": project,
            "round": round_,
            "found": found,
            "previous": previous,
            "earlier": earlier,
            **filter_choices(
                group_labels(request, session, round_),
                chosen,
                partners,
                cohort.groups_in_round(session, round_),
            ),
            "plotly_guards": plotly_style_guards(),
            **context,
        },
    )
