"""A round's dashboard: every organisation against the cohort, for the project's members.

Filters are GET parameters (a shareable address; nothing changes, so no CSRF token travels in
the URL): ``country``, ``kind``, ``group`` (a stakeholder group), ``only`` (a chosen set of
organisations, repeated), ``selected`` (organisations drawn over the cohort, repeated) and,
for similar partners, ``partner_of``, ``k`` and ``attribute`` (repeated). The numbers come
from :func:`app.services.cohort.round_profile` (stored scores); organisations below the
minimum group size appear only as "not enough responses". Each chart has a table with the
same numbers under it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app import charts, charts_cohort
from app.deps import SessionDep
from app.errors import NotFound, choice
from app.i18n import N_, Localizer
from app.models import Organisation, Project, Round, ScoreKind
from app.services import cohort, partner_fields, projects
from app.templating import localizer_for
from app.web.facilitate.access import (
    AREA,
    FacilitatorDep,
    ProjectDep,
    RoundDep,
    group_labels,
    render,
)
from app.web.facilitate.filter_params import QueryReader
from app.web.plotly_bundle import plotly_style_guards
from app.web.topic_columns import Column

router = APIRouter(dependencies=AREA)

ATTRIBUTE_LABELS = {
    "population": N_("Population"),
    "foreign_born_share": N_("Share of foreign-born residents"),
    "area_type": N_("Region type"),
    "kind": N_("Kind"),
    "country": N_("Country"),
}
NOT_IN_COHORT = N_("This organisation is not among the organisations shown.")
NO_ATTRIBUTE = N_(
    "%(organisation)s cannot be compared by these attributes: it has no %(attributes)s."
)
TOO_FEW = N_("%(organisation)s has not enough responses to be compared.")
RANKED = (ScoreKind.DIMENSION, ScoreKind.OVERALL)
"""The targets a similar-partners rank is given for."""
ROWS_PER_PAGE = 50
"""Organisations per page of the per-organisation tables (scores, agreement, stakeholder
groups): a round of 1,000 organisations would otherwise send 100,000 table cells."""
HEATMAP_ENDS = 20
"""With more than twice this many organisations shown, the heatmap draws the highest and the
lowest this many by overall index (a chart of 1,000 rows is unreadable); the table has all."""


@dataclass(frozen=True)
class Cell:
    """A formatted score (``text``, "–" where there is none) with its flags."""

    text: str
    disagreement: bool = False
    withheld: bool = False
    """Too few of the organisation's responses have a score here: no number."""


def topics(i18n: Localizer, profile: cohort.RoundProfile) -> list[Column]:
    """Every scored topic as a numbered column: dimensions, areas, indexes, overall."""
    definition = profile.definition
    columns = [
        Column(ScoreKind.DIMENSION, d.id, n, i18n.text(d.title))
        for n, d in enumerate(definition.dimensions, start=1)
    ]
    start = len(columns) + 1
    parts = [
        *((ScoreKind.AREA, a.id, i18n.text(a.title)) for a in definition.areas),
        *((ScoreKind.INDEX, x.id, i18n.text(x.title)) for x in definition.indexes),
        (ScoreKind.OVERALL, cohort.OVERALL, i18n.gettext("Overall index")),
    ]
    columns += [Column(k, key, start + n, title) for n, (k, key, title) in enumerate(parts)]
    return columns


def cell(i18n: Localizer, one: cohort.OrganisationProfile, column: Column) -> Cell:
    found = one.scores.get(column.kind, {}).get(column.id)
    if found is None or found.mean is None:
        return Cell(i18n.score(None), withheld=found is not None and found.withheld)
    return Cell(i18n.score(found.mean), found.disagreement)


def _selected(profile: cohort.RoundProfile, wanted: list[int]) -> list[cohort.OrganisationProfile]:
    shown = {one.organisation.id: one for one in profile.shown}
    chosen = [shown[key] for key in dict.fromkeys(wanted) if key in shown]
    if not chosen and profile.shown:
        chosen = [profile.shown[0]]  # the highest overall index
    return chosen[: charts_cohort.MAX_SERIES]


def _summary_rows(i18n: Localizer, profile: cohort.RoundProfile, columns: list[Column]) -> Any:
    rows = []
    for column in columns:
        summary = profile.cohort(column.kind).get(column.id)
        if summary is None:
            continue
        rows.append(
            {
                "column": column,
                "n": summary.n,
                "mean": i18n.score(summary.mean),
                "median": i18n.score(summary.median),
                "min": i18n.score(summary.min),
                "max": i18n.score(summary.max),
            }
        )
    return rows


def cohort_radar(
    i18n: Localizer, profile: cohort.RoundProfile, series: list[charts.Series]
) -> tuple[dict[str, Any], list[Any]]:
    """The overlay radar of ``series`` (dimension scores) over the cohort's mean and its
    lowest-to-highest band, and its key: the dashboard's and the partner report's chart."""
    ids = profile.targets.dimensions
    summaries = profile.cohort(ScoreKind.DIMENSION)
    mean = charts.Series(i18n.gettext("Cohort mean"), [summaries[key].mean for key in ids])
    radar = charts_cohort.overlay_radar(
        [i18n.text(d.title) for d in profile.definition.dimensions],
        series,
        mean,
        charts_cohort.Band(
            [summaries[key].min for key in ids], [summaries[key].max for key in ids]
        ),
        band_label=i18n.gettext("Cohort range (lowest to highest)"),
        no_score=i18n.gettext("No score"),
        number=i18n.score,
        direction=i18n.direction,
    )
    return radar, charts_cohort.overlay_key(series, mean)


def _figures(
    i18n: Localizer,
    profile: cohort.RoundProfile,
    selected: list[cohort.OrganisationProfile],
) -> dict[str, Any]:
    ids = profile.targets.dimensions
    titles = [i18n.text(d.title) for d in profile.definition.dimensions]
    summaries = profile.cohort(ScoreKind.DIMENSION)
    series = [
        charts.Series(one.organisation.name, [one.means(ScoreKind.DIMENSION)[k] for k in ids])
        for one in selected
    ]
    no_score = i18n.gettext("No score")
    radar, key = cohort_radar(i18n, profile, series)
    rows = _heatmap_rows(profile.shown)
    heatmap = charts_cohort.heatmap(
        [one.organisation.name for one in rows],
        titles,
        [[one.means(ScoreKind.DIMENSION)[k] for k in ids] for one in rows],
        [summaries[key].mean for key in ids],
        no_score=no_score,
        number=i18n.score,
    )
    spread = charts_cohort.distribution(
        titles,
        [
            [s for one in profile.shown if (s := one.means(ScoreKind.DIMENSION)[k]) is not None]
            for k in ids
        ],
        series[0] if series else None,
        number=i18n.score,
    )
    return {
        "radar": radar,
        "key": key,
        "heatmap": heatmap,
        "distribution": spread,
    }


def _heatmap_rows(
    shown: tuple[cohort.OrganisationProfile, ...],
) -> tuple[cohort.OrganisationProfile, ...]:
    """Every shown organisation, or its :data:`HEATMAP_ENDS` highest and lowest by overall."""
    if len(shown) <= 2 * HEATMAP_ENDS:
        return shown
    return shown[:HEATMAP_ENDS] + shown[-HEATMAP_ENDS:]


@dataclass(frozen=True)
class Paged:
    """One page of the per-organisation tables: ``rows`` (numbered from ``first``, 1-based),
    of ``total`` organisations, with the addresses of the neighbouring pages (or None)."""

    rows: tuple[cohort.OrganisationProfile, ...]
    first: int
    total: int
    previous: str | None
    next: str | None

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1


def _paged(request: Request, profile: cohort.RoundProfile, page: int) -> Paged:
    """The ``page``-th :data:`ROWS_PER_PAGE` organisations (the last page if beyond it)."""
    total = len(profile.organisations)
    pages = max(1, -(-total // ROWS_PER_PAGE))
    page = min(page, pages)
    start = (page - 1) * ROWS_PER_PAGE

    def address(number: int) -> str | None:
        if not 1 <= number <= pages:
            return None
        wanted = request.url.include_query_params(page=number)
        return str(wanted.replace(fragment="organisations-table"))

    return Paged(
        profile.organisations[start : start + ROWS_PER_PAGE],
        start + 1,
        total,
        address(page - 1),
        address(page + 1),
    )


@dataclass(frozen=True)
class Similar:
    """The similar-partners section: the form's values, and a result or a problem."""

    organisation_id: int | None
    k: int
    attributes: tuple[str, ...]
    found: cohort.SimilarPartners | None
    problem: str | None


def _similar(
    i18n: Localizer,
    profile: cohort.RoundProfile,
    partner_of: int | None,
    k: int,
    chosen: list[str],
) -> Similar:
    """The section's values; a refusal said in the page's language."""
    names = cohort.attributes(chosen)
    if partner_of is None:
        return Similar(None, k, names, None, None)
    try:
        found = cohort.similar_partners(profile, partner_of, k=k, chosen_attributes=names)
    except NotFound:
        return Similar(partner_of, k, names, None, i18n.gettext(NOT_IN_COHORT))
    except cohort.NotComparable as refused:
        subject = profile.find(partner_of)
        name = subject.organisation.name if subject else ""
        missing = refused.extra.get("missing")
        if missing:
            labels = ", ".join(i18n.gettext(ATTRIBUTE_LABELS[one]) for one in missing)
            text = i18n.gettext(NO_ATTRIBUTE) % {"organisation": name, "attributes": labels}
        else:
            text = i18n.gettext(TOO_FEW) % {"organisation": name}
        return Similar(partner_of, k, names, None, text)
    return Similar(partner_of, k, names, found, None)


def filter_choices(
    label: Callable[[str | None], str],
    chosen: cohort.Filters,
    partners: Sequence[Organisation],
    groups: Sequence[str],
    typed: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What a page with the cohort filters shows in its filter form: the values as chosen
    (``typed``), whether any is set, and the choices (the project's ``partners`` and the
    stakeholder ``groups`` named in the round); ``typed``: the values as the query gave them,
    kept where one was refused (:func:`cohort_filters`)."""
    return {
        "typed": typed
        or {
            "country": chosen.country or "",
            "kind": chosen.kind or "",
            "group": chosen.group or "",
            "only": list(chosen.organisations),
        },
        "filtered": chosen != cohort.Filters(),
        "countries": sorted({o.country for o in partners} - {""}),
        "kinds": partner_fields.KINDS,
        "groups": [(g, label(g)) for g in groups],
        "all_organisations": partners,
    }


def cohort_filters(
    reader: QueryReader, session: Session, project: Project, round_: Round
) -> tuple[cohort.Filters, dict[str, Any]]:
    """The cohort filters of a page's query (``country``, ``kind``, ``group``, ``only``), each
    wrong one noted in ``reader`` and left out, and what was typed, for the filter form. A
    group is one of the round's (as the form offers them): any other is refused, not taken
    as a filter that matches nobody."""
    typed: dict[str, Any] = {name: reader.text(name) for name in ("country", "kind", "group")}
    parts: dict[str, Any] = {}
    country = reader.check("country", lambda: cohort.filters(country=typed["country"]))
    kind = reader.check("kind", lambda: cohort.filters(kind=typed["kind"]))
    parts["country"] = country.country if country else None
    parts["kind"] = kind.kind if kind else None
    groups = cohort.groups_in_round(session, round_)
    parts["group"] = reader.one_of("group", typed["group"], groups) or None
    only = reader.ids("only")
    typed["only"] = only

    def in_project() -> tuple[int, ...]:
        wanted = cohort.filters(organisations=only)
        cohort.check_chosen(session, project, wanted, "only")  # named as the address names it
        return wanted.organisations

    parts["organisations"] = reader.check("only", in_project) or ()
    return cohort.filters(**parts), typed


@router.get("/projects/{slug}/rounds/{round_id}/dashboard", name="facilitate.dashboard")
def dashboard(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    round_: RoundDep,
) -> Response:
    """The dashboard (see the module's description); a wrong filter, or ``partner_of``
    naming no partner of the project, is shown beside its field on the page, which answers
    422 (one of the project's that the filters leave out gets a note in the similar-partners
    section)."""
    assert project.id is not None
    reader = QueryReader(request.query_params)
    chosen, typed = cohort_filters(reader, session, project, round_)
    selected = reader.ids("selected")
    partner_of = reader.optional_whole("partner_of")
    if partner_of is not None:
        subject = partner_of

        def partner() -> Organisation:
            return choice("partner_of", lambda: projects.organisation_in(session, project, subject))

        partner_of = partner_of if reader.check("partner_of", partner) is not None else None
    k = reader.whole("k", cohort.DEFAULT_K, high=cohort.MAX_K)
    attribute = reader.texts("attribute", 32)
    names = reader.check("attribute", lambda: cohort.attributes(attribute))
    page = reader.whole("page", 1)
    profile = cohort.round_profile(session, project, round_, chosen)
    i18n = localizer_for(request)
    columns = topics(i18n, profile)
    labels = group_labels(request, session, round_)
    highlighted = _selected(profile, selected)
    paged = _paged(request, profile, page)
    partners = projects.list_organisations(session, project)
    return render(
        request,
        facilitator,
        "facilitate/dashboard.html",
        {
            "project": project,
            "round": round_,
            "profile": profile,
            "title": i18n.text(profile.definition.title),
            "topics": columns,
            "dimensions": [t for t in columns if t.kind is ScoreKind.DIMENSION],
            "composites": [t for t in columns if t.kind is not ScoreKind.DIMENSION],
            "rank_topics": [t for t in columns if t.kind in RANKED],
            "cells": {
                (one.organisation.id, t.kind, t.id): cell(i18n, one, t)
                for one in {o.organisation.id: o for o in (*paged.rows, *highlighted)}.values()
                if one.shown
                for t in columns
            },
            "paged": paged,
            "heatmap_ends": HEATMAP_ENDS if len(profile.shown) > 2 * HEATMAP_ENDS else None,
            "summaries": _summary_rows(i18n, profile, columns),
            "selected": highlighted,
            "selected_ids": [one.organisation.id for one in highlighted],
            "figures": _figures(i18n, profile, highlighted) if profile.shown else None,
            **filter_choices(labels, chosen, partners, profile.groups_in_round, typed),
            "problems": reader.problems,
            "typed_k": request.query_params.get("k", "").strip() if "k" in reader.problems else k,
            "group_label": labels,
            "similar": _similar(i18n, profile, partner_of, k, list(names or ())),
            "attribute_labels": ATTRIBUTE_LABELS,
            "plotly_guards": plotly_style_guards(),
        },
        status_code=reader.status,
    )
