"""Change between rounds as pages write it, for any page that shows one: the change page
(:mod:`app.web.facilitate.change`) and the partner report (:mod:`app.web.report_page`).

A cell reads "50,0 → 66,7" with the change signed, an arrow and a word (never colour alone),
or a note where a round has no score; topics of one version only are listed with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import N_, Localizer
from app.models import ScoreKind
from app.services import round_change
from app.services.round_change import RoundChange, TopicChange
from app.web.topic_columns import Column
from scoring import Definition

DIRECTIONS = {
    round_change.UP: ("▲", N_("up")),
    round_change.DOWN: ("▼", N_("down")),
    round_change.SAME: ("=", N_("no change")),
}
REASONS = {
    "not_in_before": N_("not in the earlier round's version %(version)s"),
    "not_in_after": N_("not in this round's version %(version)s"),
}
MISSING = N_("no score in one of the rounds")


@dataclass(frozen=True)
class Cell:
    """A change as read: "50,0 → 66,7", "+16,7", an arrow and a word (or a note)."""

    scores: str
    change: str = ""
    arrow: str = ""
    word: str = ""
    note: str = ""


def title(kind: ScoreKind, key: str, definitions: list[Definition], i18n: Localizer) -> str:
    """A topic's title in the page's language, from the first definition that has it."""
    if kind is ScoreKind.OVERALL:
        return i18n.gettext("Overall index")
    part = round_change.PARTS[kind]
    for definition in definitions:
        for one in getattr(definition, part):
            if one.id == key:
                return i18n.text(one.title)
    return key


def columns(i18n: Localizer, found: RoundChange) -> list[Column]:
    definitions = [found.after_definition, found.before_definition]
    keys = [(kind, key) for kind in round_change.PARTS for key in found.topics[kind]]
    return [
        Column(kind, key, n, title(kind, key, definitions, i18n))
        for n, (kind, key) in enumerate(keys, start=1)
    ]


def _signed(i18n: Localizer, change: float) -> str:
    return ("+" if change > 0 else "") + i18n.score(change)


def change_cell(
    i18n: Localizer, before: float | None, after: float | None, change: float | None
) -> Cell:
    scores = f"{i18n.score(before)} → {i18n.score(after)}"
    if change is None:
        return Cell(scores, note=i18n.gettext(MISSING))
    arrow, word = DIRECTIONS[round_change.direction(change) or round_change.SAME]
    return Cell(scores, _signed(i18n, change), arrow, i18n.gettext(word))


def topic_cell(i18n: Localizer, one: TopicChange) -> Cell:
    return change_cell(i18n, one.before, one.after, one.change)


def incomparable_notes(i18n: Localizer, found: RoundChange) -> list[str]:
    definitions = [found.after_definition, found.before_definition]
    versions = {
        "not_in_before": found.before_definition.version,
        "not_in_after": found.after_definition.version,
    }
    return [
        f"{title(kind, key, definitions, i18n)}: "
        + i18n.gettext(REASONS[why.reason_code]) % {"version": versions[why.reason_code]}
        for kind in round_change.PARTS
        for key, why in found.incomparable[kind].items()
        if why.reason_code in REASONS
    ]
