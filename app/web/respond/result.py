"""The respondent's result: radar chart, the same numbers as a table, strengths, weaknesses with
recommendations, the organisation's aggregate when the group is large enough, downloads."""

from __future__ import annotations

import json
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from app import charts
from app.deps import SessionDep, ends_at_return
from app.i18n import Localizer
from app.services import response_export, results
from app.templating import environment
from app.web.plotly_bundle import plotly_style_guards
from app.web.respond.respondent import Respondent, RespondentDep, get_respondent, redirect, render
from app.web.respond.review import answer_sections
from scoring import LOW_COVERAGE, Definition

router = APIRouter(prefix="/respond")


@dataclass(frozen=True)
class Row:
    id: str
    title: str
    score: str
    band: str
    answered: str
    note: str
    strength: bool
    weakness: bool
    group: str
    disagreement: bool
    recommendations: list[str]


def _band_label(respondent: Respondent, band_id: str | None) -> str:
    for band in respondent.context.definition.scoring.bands:
        if band.id == band_id:
            return respondent.i18n.text(band.label)
    return ""


def _note(i18n: Localizer, reason_code: str | None) -> str:
    if reason_code is None:
        return ""
    if reason_code == LOW_COVERAGE:
        return i18n.gettext("Not enough answers for a score")
    return i18n.gettext("No questions shown")


def _rows(respondent: Respondent, outcome: results.OwnResult) -> list[Row]:
    i18n, definition = respondent.i18n, respondent.context.definition
    means = outcome.group.means
    rows = []
    for dimension in definition.dimensions:
        part = outcome.profile.dimensions[dimension.id]
        rows.append(
            Row(
                id=dimension.id,
                title=i18n.text(dimension.title),
                score=i18n.score(part.score),
                band=_band_label(respondent, part.band),
                answered=f"{part.answered} / {part.shown}",
                note=_note(i18n, part.reason_code),
                strength=part.strength,
                weakness=part.weakness,
                group=i18n.score(means.get(dimension.id)),
                disagreement=dimension.id in outcome.group.disagreements,
                recommendations=list(outcome.recommendations.get(dimension.id, [])),
            )
        )
    return rows


@dataclass(frozen=True)
class Chart:
    """The radar figure, as the page's script element holds it (Jinja's ``tojson``), and its
    key (the legend, drawn as HTML under the chart)."""

    figure_json: Markup
    key: list[charts.KeyEntry]


CHARTS_KEPT = 1024
"""Charts kept per definition (a few KB each; then the map starts again)."""

ChartKey = tuple[str, int, str, str, str, int, tuple[tuple[str, float | None], ...] | None]


def _new_charts(definition: Definition) -> dict[ChartKey, Chart]:
    return {}


def _chart(respondent: Respondent, outcome: results.OwnResult) -> Chart:
    """The chart of a submitted response: kept with the definition under the response's
    public id and revision (its scores), the page's language and fallback language, the
    organisation's name and its aggregate as shown (count and means), which is all it draws;
    a submission of a colleague changes the aggregate and so the key."""
    context, i18n, group = respondent.context, respondent.i18n, outcome.group
    response = context.response
    means = tuple(group.means.items()) if group.shown else None
    key = (
        response.public_id,
        response.revision,
        i18n.language,
        i18n.fallback,
        context.organisation.name,
        group.count,
        means,
    )
    kept = context.definition.derived("result-charts", _new_charts)
    found = kept.get(key)
    if found is None:
        found = _draw_chart(respondent, outcome)
        if len(kept) >= CHARTS_KEPT:
            kept.clear()
        kept[key] = found
    return found


def _draw_chart(respondent: Respondent, outcome: results.OwnResult) -> Chart:
    i18n, context = respondent.i18n, respondent.context
    definition = context.definition
    series = [
        charts.Series(
            i18n.gettext("Your profile"),
            [outcome.profile.dimensions[d.id].score for d in definition.dimensions],
        )
    ]
    group = outcome.group
    if group.shown:
        name = i18n.ngettext(
            "%(organisation)s: average of %(num)s response",
            "%(organisation)s: average of %(num)s responses",
            group.count,
        ) % {"organisation": context.organisation.name, "num": group.count}
        series.append(charts.Series(name, [group.means.get(d.id) for d in definition.dimensions]))
    bands = charts.band_rings([(i18n.text(b.label), b.min) for b in definition.scoring.bands])
    figure = charts.radar_figure(
        [i18n.text(d.title) for d in definition.dimensions],
        series,
        bands,
        no_score=i18n.gettext("Not enough answers for a score"),
        number=i18n.score,
        direction=i18n.direction,
    )
    figure_json = htmlsafe_json_dumps(
        figure,
        dumps=environment.policies["json.dumps_function"],
        **environment.policies["json.dumps_kwargs"],
    )
    return Chart(figure_json, charts.chart_key(series, bands))


ANSWER_LISTS_KEPT = 256
"""Rendered answer lists kept per definition (about 20 KB each; then the map starts again)."""


def _new_answer_lists(definition: Definition) -> dict[tuple[str, int, str, str], Markup]:
    return {}


def answer_list(respondent: Respondent) -> Markup:
    """The "your answers" part of the result page, as HTML: half of the page's rendering.

    A submitted response never changes (its revision would), and the list depends only on
    its answers and comments, the definition and the page's language: it is rendered once
    and kept with the definition (:meth:`~scoring.Definition.derived`) under the response's
    public id (random, never reused), revision, language and fallback language."""
    context, i18n = respondent.context, respondent.i18n
    response = context.response
    key = (response.public_id, response.revision, i18n.language, i18n.fallback)
    kept = context.definition.derived("result-answer-lists", _new_answer_lists)
    found = kept.get(key)
    if found is None:
        sections = answer_sections(context, i18n)
        template = environment.get_template("respond/_answer_list.html")
        html = template.render(i18n=i18n, sections=sections)
        found = Markup(html)  # noqa: S704  (rendered by the autoescaping environment)
        if len(kept) >= ANSWER_LISTS_KEPT:
            kept.clear()
        kept[key] = found
    return found


@router.get("/result", response_class=HTMLResponse, name="respond.result")
@ends_at_return
def show_result(request: Request, session: SessionDep) -> Response:
    """The respondent's result; the respondent looked up in the route's one worker thread."""
    respondent = get_respondent(request, session)
    context, i18n = respondent.context, respondent.i18n
    if not context.submitted:
        return redirect(request, "respond.continue")
    outcome = results.own_result(session, context, i18n.language)
    rows = _rows(respondent, outcome)
    by_id = {row.id: row for row in rows}
    profile = outcome.profile
    return render(
        request,
        respondent,
        "respond/result.html",
        {
            "submitted_at": i18n.moment(
                context.response.submitted_at, day_only=context.round.anonymous
            ),
            "overall": i18n.score(profile.overall.score),
            "overall_band": _band_label(respondent, profile.overall.band),
            "rows": rows,
            "strengths": [row for row in rows if row.strength],
            "weaknesses": [row for row in rows if row.weakness],
            "top": [by_id[d] for d in profile.top],
            "group": outcome.group,
            "chart": _chart(respondent, outcome),
            "answer_list": answer_list(respondent),
            "plotly_guards": plotly_style_guards(),
            "chart_name": f"{context.round.name}-profile",
        },
    )


def _download(respondent: Respondent, body: str, media_type: str, suffix: str) -> Response:
    slug = respondent.context.definition.slug
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="integration-radar-{slug}.{suffix}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/result.json", name="respond.result.json")
def download_json(request: Request, respondent: RespondentDep) -> Response:
    if not respondent.context.submitted:
        return redirect(request, "respond.continue")
    profile = results.own_profile(respondent.context)
    data = response_export.export_dict(respondent.context, profile)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return _download(respondent, body, "application/json", "json")


@router.get("/result.csv", name="respond.result.csv")
def download_csv(request: Request, respondent: RespondentDep) -> Response:
    if not respondent.context.submitted:
        return redirect(request, "respond.continue")
    profile = results.own_profile(respondent.context)
    body = response_export.export_csv(respondent.context, profile)
    return _download(respondent, body, "text/csv; charset=utf-8", "csv")
