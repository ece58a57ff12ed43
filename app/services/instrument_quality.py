"""Instrument quality of one questionnaire version across a project's rounds, for its authors.

The figures are :func:`scoring.instrument_quality`'s over the *submitted* responses of the
chosen rounds (the project's rounds on that version; all of them unless some are chosen), read
as stored in keyset batches of :data:`BATCH_SIZE` into a :class:`scoring.QualityTally`, so
memory holds counts and answer codes, never every response's answers. Items hidden by
``show_if`` are not counted; "not applicable" is a rate of its own.

Only aggregates are shown, so anonymous rounds take part, but the minimum group size holds
(the largest of the chosen rounds', :func:`app.services.rounds.min_group_size_of`): below it
there are no figures at all, an item shown to fewer respondents has no rates or distribution,
and a dimension with fewer complete responses has no reliability figures.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.errors import NO_ROUND_ON_VERSION, NO_ROUND_USES, WRONG_CHOICE, InvalidInput, NotFound
from app.i18n import Message
from app.models import (
    Project,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    ResponseStatus,
    Round,
)
from app.services import questionnaires
from app.services.rounds import min_group_size_of
from scoring import (
    THRESHOLDS,
    Definition,
    Flag,
    Item,
    QualityReport,
    QualityTally,
    flagged_items,
    shorten,
)

NOT_ENOUGH = "not_enough_responses"
"""Why a dimension has no alpha when it has fewer complete responses than the minimum."""
RELIABILITY_FLAGS = frozenset({Flag.LOW_ITEM_REST, Flag.LOWERS_ALPHA})
"""Flags that come from complete responses (withheld with the dimension's figures)."""
BATCH_SIZE = 1000
"""Responses read per query: a batch's answers are in memory at once, no more."""


@dataclass(frozen=True)
class RoundChoice:
    """A round of the project on the version, its submitted responses, and whether chosen."""

    round: Round
    submitted: int
    chosen: bool


@dataclass(frozen=True)
class InstrumentQuality:
    """What the quality page, the CLI and the API show.

    ``report`` is None when the chosen rounds' submitted responses (``responses``) are fewer
    than ``minimum``; ``flags`` names the flagged items' reasons (:func:`scoring.flagged_items`).
    """

    slug: str
    version: str
    definition: Definition
    rounds: tuple[RoundChoice, ...]
    minimum: int
    responses: int
    report: QualityReport | None
    flags: Mapping[str, tuple[Flag, ...]]

    @property
    def shown(self) -> bool:
        """Whether there are figures (enough responses)."""
        return self.report is not None

    def item_shown(self, item_id: str) -> bool:
        """Whether an item's rates and distribution may be shown (enough respondents saw it)."""
        return self.report is not None and self.report.items[item_id].shown >= self.minimum

    def flags_of(self, item: Item) -> tuple[Flag, ...]:
        """The item's flags that may be shown: none from withheld figures."""
        reliable, counted = self.dimension_shown(item.dimension), self.item_shown(item.id)
        return tuple(
            flag
            for flag in self.flags.get(item.id, ())
            if (reliable if flag in RELIABILITY_FLAGS else counted)
        )

    def dimension_shown(self, dimension_id: str) -> bool:
        """Whether a dimension's reliability may be shown (enough complete responses)."""
        return (
            self.report is not None
            and self.report.dimensions[dimension_id].complete_cases >= self.minimum
        )


def to_dict(found: InstrumentQuality) -> dict[str, Any]:
    """The figures as the CLI's ``--json`` and the API give them, withheld ones as null.

    Shape: ``questionnaire``, ``version``, ``rounds`` (id, name, submitted, chosen),
    ``min_group_size``, ``responses``, ``shown``, ``thresholds`` (fractions), ``dimensions``
    (id, alpha, complete_responses, no_alpha_reason: ``single_item``, ``too_few_complete``,
    ``no_variance`` or ``not_enough_responses``; ``items``: id, reverse_keyed, shown,
    answered, not_applicable, missing, missing_rate, not_applicable_rate, distribution,
    item_rest_correlation, alpha_if_dropped, flags). Rates are fractions of the respondents
    shown the item; correlations and alphas are unrounded.
    """
    report = found.report
    dimensions = []
    for dimension in found.definition.dimensions if report is not None else ():
        assert report is not None
        quality = report.dimensions[dimension.id]
        reliable = found.dimension_shown(dimension.id)
        items = []
        for item in found.definition.items:
            if item.dimension != dimension.id:
                continue
            rates = report.items[item.id]
            reliability = quality.items.get(item.id) if reliable else None
            counted = found.item_shown(item.id)
            items.append(
                {
                    "id": item.id,
                    "reverse_keyed": item.reverse,
                    "shown": rates.shown if counted else None,
                    "answered": rates.answered if counted else None,
                    "not_applicable": rates.not_applicable if counted else None,
                    "missing": rates.missing if counted else None,
                    "missing_rate": rates.missing_rate if counted else None,
                    "not_applicable_rate": rates.not_applicable_rate if counted else None,
                    "distribution": dict(rates.distribution)
                    if counted and rates.distribution is not None
                    else None,
                    "item_rest_correlation": reliability.item_rest_correlation
                    if reliability
                    else None,
                    "alpha_if_dropped": reliability.alpha_if_deleted if reliability else None,
                    "flags": [str(flag) for flag in found.flags_of(item)],
                }
            )
        dimensions.append(
            {
                "id": dimension.id,
                "alpha": quality.alpha if reliable else None,
                "complete_responses": quality.complete_cases,
                "no_alpha_reason": quality.reason_code if reliable else NOT_ENOUGH,
                "items": items,
            }
        )
    return {
        "questionnaire": found.slug,
        "version": found.version,
        "rounds": [
            {
                "id": choice.round.id,
                "name": choice.round.name,
                "submitted": choice.submitted,
                "chosen": choice.chosen,
            }
            for choice in found.rounds
        ],
        "min_group_size": found.minimum,
        "responses": found.responses,
        "shown": found.shown,
        "thresholds": vars(THRESHOLDS).copy(),
        "dimensions": dimensions,
    }


def versions_in_use(session: Session, project: Project) -> list[tuple[str, str]]:
    """The questionnaire slugs and versions of the project's rounds, sorted; one query."""
    found = session.exec(
        select(Questionnaire.slug, QuestionnaireVersion.version)
        .join(QuestionnaireVersion, col(QuestionnaireVersion.questionnaire_id) == Questionnaire.id)
        .join(Round, col(Round.questionnaire_version_id) == QuestionnaireVersion.id)
        .where(col(Round.project_id) == project.id)
        .distinct()
    ).all()
    return sorted((slug, version) for slug, version in found)


def gather(
    session: Session,
    project: Project,
    slug: str,
    version: str,
    round_ids: Sequence[int] = (),
) -> InstrumentQuality:
    """The quality of version ``version`` of ``slug`` over the project's rounds on it
    (``round_ids``; empty: all). Raises NotFound for a version no round of the project uses;
    a chosen round that is not one of them (another project's round included) is a wrong
    value of ``round`` (:class:`~app.errors.InvalidInput` naming it, 422)."""
    row = questionnaires.get_version(session, slug, version)
    rounds = _rounds_on(session, project, row)
    if not rounds:
        raise NotFound(Message(NO_ROUND_USES, slug=shorten(slug), version=shorten(version)))
    known = {round_.id for round_ in rounds}
    for round_id in round_ids:
        if round_id not in known:
            missing = Message(NO_ROUND_ON_VERSION, id=str(round_id))
            raise InvalidInput(
                Message(WRONG_CHOICE, field="round", problem=missing),
                field="round",
                round_id=round_id,
            )
    wanted = set(round_ids) or known
    chosen = [round_ for round_ in rounds if round_.id in wanted]
    counts = _submitted(session, [round_.id for round_ in rounds if round_.id is not None])
    definition = questionnaires.definition_of(row)
    minimum = max(min_group_size_of(round_, project) for round_ in chosen)
    responses = sum(counts.get(round_.id or 0, 0) for round_ in chosen)
    report = None
    if responses >= minimum:
        tally = QualityTally(definition)
        for batch in _answer_batches(session, [round_.id or 0 for round_ in chosen]):
            tally.add(batch)
        report = tally.report()
    return InstrumentQuality(
        slug=slug,
        version=version,
        definition=definition,
        rounds=tuple(
            RoundChoice(round_, counts.get(round_.id or 0, 0), round_.id in wanted)
            for round_ in rounds
        ),
        minimum=minimum,
        responses=responses,
        report=report,
        flags=flagged_items(report) if report is not None else {},
    )


def _rounds_on(session: Session, project: Project, row: QuestionnaireVersion) -> list[Round]:
    return list(
        session.exec(
            select(Round)
            .where(
                col(Round.project_id) == project.id,
                col(Round.questionnaire_version_id) == row.id,
            )
            .order_by(col(Round.id))
        ).all()
    )


def _submitted(session: Session, round_ids: list[int]) -> dict[int, int]:
    rows = session.exec(
        select(Response.round_id, func.count())
        .where(
            col(Response.round_id).in_(round_ids),
            col(Response.status) == ResponseStatus.SUBMITTED.value,
        )
        .group_by(col(Response.round_id))
    ).all()
    return dict(rows)


def _answer_batches(session: Session, round_ids: list[int]) -> Iterator[list[dict[str, Any]]]:
    """The submitted responses' answers in id order, :data:`BATCH_SIZE` at a time (keyset
    pages: each query starts after the last id read, so no page is skipped or read twice)."""
    after = 0
    while True:
        rows = session.execute(
            sa_select(col(Response.id), col(Response.answers))
            .where(
                col(Response.round_id).in_(round_ids),
                col(Response.status) == ResponseStatus.SUBMITTED.value,
                col(Response.id) > after,
            )
            .order_by(col(Response.id))
            .limit(BATCH_SIZE)
        ).all()
        if not rows:
            return
        yield [answers or {} for _, answers in rows]
        after = rows[-1][0]
