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

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app import charts_cohort
from app.deps import SessionDep
from app.errors import InvalidInput, choice
from app.i18n import N_, Localizer, Message
from app.models import Project, Round
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
from app.web.facilitate.dashboard import cohort_filters, filter_choices
from app.web.facilitate.filter_params import QueryReader
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


def _compared(
    reader: QueryReader,
    session: Session,
    project: Project,
    before: Round | None,
    after: Round,
    chosen: cohort.Filters,
) -> RoundChange | None:
    """The change from ``before`` to ``after``; None without an earlier round or when
    ``before`` is refused (the same round, a later one: noted beside its field)."""
    if before is None:
        return None
    return reader.check(
        "before", lambda: round_change.round_change(session, project, before, after, chosen)
    )


@router.get("/projects/{slug}/rounds/{round_id}/change", name="facilitate.change")
def change(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    round_: RoundDep,
) -> Response:
    """The change page (see the module's description); a wrong filter, or ``before`` naming
    a round of another project, is shown beside its field on the page, which answers 422;
    rounds of incomparable versions a 409 page with the reason."""
    assert project.id is not None
    reader = QueryReader(request.query_params)
    chosen, typed = cohort_filters(reader, session, project, round_)
    earlier = round_change.earlier_rounds(session, round_)
    previous: Round | None = earlier[0] if earlier else None
    before = reader.optional_whole("before")
    if before is not None:
        wanted = before

        def chosen_round() -> Round:
            return choice("before", lambda: directory.round_(session, project.id, wanted))

        previous = reader.check("before", chosen_round) or previous
    topic = reader.text("topic")
    i18n = localizer_for(request)
    found = _compared(reader, session, project, previous, round_, chosen)
    if found is None and previous is not None and earlier and previous.id != earlier[0].id:
        previous = earlier[0]  # the chosen one was refused: the default round instead
        found = _compared(reader, session, project, previous, round_, chosen)
    context: dict[str, Any] = {"columns": [], "chart": None}
    if found is not None:
        shown_columns = columns(i18n, found)
        drawn = reader.check("topic", lambda: _drawn(shown_columns, topic))  # None: refused
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
            "chart": _chart(i18n, found, drawn) if found.shown and drawn else None,
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
                typed,
            ),
            "problems": reader.problems,
            "plotly_guards": plotly_style_guards(),
            **context,
        },
        status_code=reader.status,
    )
