"""The instrument quality page of a questionnaire version across a project's rounds.

For the version's authors: per dimension Cronbach's alpha with its number of complete
responses (or why there is none), per item the item-rest correlation, alpha if the item were
dropped, the missing and "not applicable" rates and the spread of the answers, and the flagged
items with their reasons in words (:data:`scoring.THRESHOLDS`). The figures come from
:func:`app.services.instrument_quality.gather`; the rounds are chosen with a GET form of
checkboxes (``round``, repeated; none: all). The round navigation links to the page of the
round's version through ``facilitate.round.quality``.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app.deps import SessionDep
from app.i18n import N_, Localizer
from app.services import directory, instrument_quality
from app.services.instrument_quality import InstrumentQuality
from app.templating import localizer_for
from app.web.facilitate.access import AREA, FacilitatorDep, ProjectDep, RoundDep, redirect, render
from app.web.facilitate.filter_params import QueryReader
from scoring import NOT_APPLICABLE, THRESHOLDS, Definition, Flag, Item, ItemType

router = APIRouter(dependencies=AREA)

NO_ALPHA = {
    "single_item": N_("alpha needs at least two scored questions"),
    "too_few_complete": N_("alpha needs at least two complete responses"),
    "no_variance": N_("the total does not vary across complete responses"),
}
FLAGS = {
    Flag.LOW_ITEM_REST: N_("item-rest correlation below %(threshold)s"),
    Flag.LOWERS_ALPHA: N_("alpha rises if the question is dropped"),
    Flag.NOT_APPLICABLE: N_("“not applicable” over %(threshold)s"),
    Flag.MISSING: N_("missing answers over %(threshold)s"),
}
LOW_ALPHA = N_("below %(threshold)s")


@dataclass(frozen=True)
class ItemRow:
    """One question as the table shows it: formatted figures, "–" where there is none."""

    id: str
    text: str
    reverse: bool
    shown: bool
    """Enough respondents saw it for rates and a distribution."""
    item_rest: str
    alpha_if_dropped: str
    missing: str
    not_applicable: str
    answers: list[tuple[str, int]]
    flags: list[str]


@dataclass(frozen=True)
class DimensionRow:
    """One dimension: its alpha (or why there is none), complete responses, and questions."""

    title: str
    alpha: str
    low_alpha: str
    complete: int
    reason: str
    items: list[ItemRow]


def _answer_labels(i18n: Localizer, definition: Definition, item: Item) -> dict[str, str]:
    """What the distribution's keys (scale values, choice ids, "na") read as on this page."""
    if item.type is ItemType.SCALE:
        scale = definition.scales[item.scale or ""]
        labels = dict(zip((str(v) for v in scale.values), i18n.texts(scale.labels), strict=False))
        labels[NOT_APPLICABLE] = i18n.text(scale.not_applicable_label) or i18n.gettext(
            "Not applicable"
        )
        return labels
    return {choice.id: i18n.text(choice.label) for choice in item.choices or []}


def _item_row(i18n: Localizer, found: InstrumentQuality, item: Item, reliable: bool) -> ItemRow:
    report = found.report
    assert report is not None
    rates = report.items[item.id]
    reliability = report.dimensions[item.dimension].items.get(item.id)
    shown = found.item_shown(item.id)
    labels = _answer_labels(i18n, found.definition, item)
    thresholds = {
        Flag.LOW_ITEM_REST: i18n.number(THRESHOLDS.item_rest_min, 2),
        Flag.NOT_APPLICABLE: i18n.percent(THRESHOLDS.not_applicable_max),
        Flag.MISSING: i18n.percent(THRESHOLDS.missing_max),
    }
    flags = [
        i18n.gettext(FLAGS[flag]) % {"threshold": thresholds.get(flag, "")}
        for flag in found.flags_of(item)
    ]
    return ItemRow(
        id=item.id,
        text=i18n.text(item.text),
        reverse=item.reverse,
        shown=shown,
        item_rest=_two(
            i18n, reliability.item_rest_correlation if reliability and reliable else None
        ),
        alpha_if_dropped=_two(
            i18n, reliability.alpha_if_deleted if reliability and reliable else None
        ),
        missing=_rate(i18n, rates.missing_rate if shown else None),
        not_applicable=_rate(i18n, rates.not_applicable_rate if shown else None),
        answers=[(labels.get(k, k), n) for k, n in (rates.distribution or {}).items()]
        if shown
        else [],
        flags=flags,
    )


def _two(i18n: Localizer, value: float | None) -> str:
    return i18n.number(value, 2)


def _rate(i18n: Localizer, value: float | None) -> str:
    return "–" if value is None else i18n.percent(value)


def dimension_rows(i18n: Localizer, found: InstrumentQuality) -> list[DimensionRow]:
    """The page's tables, in the definition's order (empty when there are no figures)."""
    report = found.report
    if report is None:
        return []
    rows = []
    for dimension in found.definition.dimensions:
        quality = report.dimensions[dimension.id]
        reliable = found.dimension_shown(dimension.id)
        alpha = quality.alpha if reliable else None
        if not reliable:
            reason = i18n.gettext("not enough responses")
        else:
            reason = i18n.gettext(NO_ALPHA[quality.reason_code]) if quality.reason_code else ""
        low = alpha is not None and alpha < THRESHOLDS.alpha_acceptable
        rows.append(
            DimensionRow(
                title=i18n.text(dimension.title),
                alpha=_two(i18n, alpha),
                low_alpha=i18n.gettext(LOW_ALPHA)
                % {"threshold": i18n.number(THRESHOLDS.alpha_acceptable, 2)}
                if low
                else "",
                complete=quality.complete_cases,
                reason=reason,
                items=[
                    _item_row(i18n, found, item, reliable)
                    for item in found.definition.items
                    if item.dimension == dimension.id
                ],
            )
        )
    return rows


@router.get("/projects/{slug}/quality/{questionnaire}/{version}", name="facilitate.quality")
def quality(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    questionnaire: str,
    version: str,
) -> HTMLResponse:
    """The page (see the module's description); a version no round of the project uses is
    "not found"; a ``round`` that is no whole number, or no round on the version, is shown
    beside the rounds on the page (all rounds drawn), which answers 422."""
    reader = QueryReader(request.query_params)
    chosen = reader.ids("round")
    found = reader.check(
        "round", lambda: instrument_quality.gather(session, project, questionnaire, version, chosen)
    ) or instrument_quality.gather(session, project, questionnaire, version, [])
    i18n = localizer_for(request)
    dimensions = dimension_rows(i18n, found)
    return render(
        request,
        facilitator,
        "facilitate/quality.html",
        {
            "project": project,
            "found": found,
            "title": i18n.text(found.definition.title),
            "dimensions": dimensions,
            "flagged": [
                (dimension, item)
                for dimension in dimensions
                for item in dimension.items
                if item.flags
            ],
            "problems": reader.problems,
        },
        status_code=reader.status,
    )


@router.get("/projects/{slug}/rounds/{round_id}/quality", name="facilitate.round.quality")
def round_quality(
    request: Request, session: SessionDep, project: ProjectDep, round_: RoundDep
) -> RedirectResponse:
    """The quality page of the round's questionnaire version (every round on it)."""
    slug, version = directory.questionnaires_of(session, [round_])[round_.questionnaire_version_id]
    return redirect(
        request, "facilitate.quality", slug=project.slug, questionnaire=slug, version=version
    )
