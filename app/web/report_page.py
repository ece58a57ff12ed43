"""The partner report as a page: what ``templates/report/_report.html`` shows, for the
facilitators' view (``app/web/facilitate/reports.py``) and the shared link
(``app/web/shared_report.py``) alike.

The numbers are :func:`app.services.partner_report.partner_report`'s, formatted here in the
page's language; the chart is the dashboard's overlay radar (the organisation over the
cohort's mean and lowest-to-highest band) with a table of the same numbers under it. With
``names=False`` (the shared link) no other partner is named: similar partners are a count and
the attributes they were chosen by. With too few other partners (``report.compared`` False)
no cohort figure is shown at all, in either view: the chart draws the organisation alone and
the table its own scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app import charts
from app.i18n import Localizer
from app.models import ScoreKind
from app.services import rounds
from app.services.partner_report import PartnerReport
from app.web.change_cells import change_cell, columns, incomparable_notes, topic_cell
from app.web.facilitate.dashboard import (
    ATTRIBUTE_LABELS,
    RANKED,
    cell,
    cohort_radar,
    topics,
)
from app.web.plotly_bundle import plotly_style_guards
from app.web.topic_columns import Column
from scoring import round_score


@dataclass(frozen=True)
class Row:
    """A topic of the report's table: the organisation's score against the cohort."""

    column: Column
    own: str
    withheld: bool
    mean: str
    lowest: str
    highest: str
    difference: str
    strength: bool
    weakness: bool


def _signed(i18n: Localizer, value: float | None) -> str:
    """A difference as shown: rounded by the scores' rule, with its sign."""
    rounded = round_score(value)
    if rounded is None:
        return i18n.score(None)
    return ("+" if rounded > 0 else "") + i18n.score(rounded)


def _rows(i18n: Localizer, report: PartnerReport, columns: list[Column]) -> list[Row]:
    profile, subject = report.profile, report.subject
    rows = []
    for column in columns:
        summary = profile.cohort(column.kind).get(column.id) if report.compared else None
        standing = (
            profile.comparisons[column.kind].organisations.get(str(subject.organisation.id))
            if report.compared
            else None
        )
        position = standing.dimensions.get(column.id) if standing else None
        shown = cell(i18n, subject, column)
        rows.append(
            Row(
                column=column,
                own=shown.text,
                withheld=shown.withheld,
                mean=i18n.score(summary.mean if summary else None),
                lowest=i18n.score(summary.min if summary else None),
                highest=i18n.score(summary.max if summary else None),
                difference=_signed(i18n, position.difference if position else None),
                strength=column.kind is ScoreKind.DIMENSION and column.id in report.strengths,
                weakness=column.kind is ScoreKind.DIMENSION and column.id in report.weaknesses,
            )
        )
    return rows


def _similar(i18n: Localizer, report: PartnerReport, columns: list[Column], names: bool) -> Any:
    found = report.similar
    if found is None:
        return None
    return {
        "count": len(found.neighbours),
        "attributes": ", ".join(i18n.gettext(ATTRIBUTE_LABELS[a]) for a in found.attributes),
        "names": [n.profile.organisation.name for n in found.neighbours] if names else [],
        "ranks": [
            (
                column,
                i18n.number(found.within_group.get(column.id), 1),
                i18n.number(found.within_cohort.get(column.id), 1),
            )
            for column in columns
            if column.kind in RANKED
        ],
    }


def _change(i18n: Localizer, report: PartnerReport) -> Any:
    """The change since the previous round: per topic the organisation's and the cohort's."""
    found = report.change
    if found is None:
        return None
    rounds, own = found.rounds, found.organisation
    rows = [
        (
            column,
            topic_cell(i18n, own.topics[column.kind][column.id]) if own.shown else None,
            change_cell(i18n, mean.before, mean.after, mean.change) if found.compared else None,
        )
        for column in columns(i18n, rounds)
        for mean in (rounds.cohort[column.kind][column.id],)
    ]
    return {
        "before": rounds.before,
        "shown": own.shown,
        "compared": found.compared,
        "rows": rows,
        "incomparable": incomparable_notes(i18n, rounds),
    }


def report_context(i18n: Localizer, report: PartnerReport, *, names: bool) -> dict[str, Any]:
    """The template context of ``templates/report/_report.html``."""
    profile, subject = report.profile, report.subject
    context: dict[str, Any] = {
        "report": report,
        "organisation": subject.organisation,
        "round": profile.round,
        "title": i18n.text(profile.definition.title),
        "min_group_size": profile.min_group_size,
        "cohort_size": len(profile.shown),
        "compared": report.compared,
        "plotly_guards": plotly_style_guards(),
    }
    if not report.shown:
        return context
    columns = topics(i18n, profile)
    dimensions = [c for c in columns if c.kind is ScoreKind.DIMENSION]
    by_id = {c.id: c for c in dimensions}
    ids = profile.targets.dimensions
    own = charts.Series(
        subject.organisation.name, [subject.means(ScoreKind.DIMENSION)[k] for k in ids]
    )
    if report.compared:
        radar, key = cohort_radar(i18n, profile, [own])
    else:
        radar = charts.radar_figure(
            [i18n.text(d.title) for d in profile.definition.dimensions],
            [own],
            no_score=i18n.gettext("No score"),
            number=i18n.score,
            direction=i18n.direction,
        )
        key = charts.chart_key([own])
    rows = _rows(i18n, report, columns)
    scores = subject.scores.get(ScoreKind.DIMENSION, {})
    context.update(
        {
            "rows": rows,
            "figure": radar,
            "key": key,
            "strengths": [r for r in rows if r.strength],
            "weaknesses": [r for r in rows if r.weakness],
            "recommendations": [
                (by_id[key_], texts) for key_, texts in report.recommendations.items()
            ],
            "agreement": [
                (
                    column,
                    "–"
                    if (found := scores.get(column.id)) is None or found.agreement is None
                    else i18n.number(found.agreement, 2),
                    found is not None and found.disagreement,
                )
                for column in dimensions
            ],
            "dimensions": dimensions,
            "groups": [
                (
                    rounds.group_label(
                        profile.round,
                        g.group,
                        i18n.language,
                        profile.definition.default_language,
                        i18n.gettext,
                    ),
                    g.responses,
                    g.dimensions,
                )
                for g in subject.groups
            ],
            "similar": _similar(i18n, report, columns, names),
            "change": _change(i18n, report),
        }
    )
    return context
