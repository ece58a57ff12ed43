"""Synthetic but plausible answers for demos, benchmarks and tests.

Each organisation gets a latent profile (a level per dimension between 0 and 1); each of its
respondents sees it through their own noise and a small bias of their stakeholder group, and
each item adds noise of its own. So organisations differ visibly, respondents of one
organisation roughly agree, and scores are not all the same. Everything comes from the
``random.Random`` passed in, so a seed reproduces the data. No database access here.
"""

from __future__ import annotations

import math
import random
from functools import lru_cache
from typing import Any

from app import stakeholder_groups
from scoring import NOT_APPLICABLE, Condition, Definition, Item, ItemType, parse_condition

NOT_APPLICABLE_SHARE = 0.05

Profile = dict[str, float]
"""Latent level per dimension id, 0 (nothing in place) to 1 (fully in place)."""

GROUP_BIAS = {
    "administration": 0.06,
    "politics": 0.08,
    "civil-society": -0.06,
    "migrant-organisations": -0.09,
    "education": 0.0,
    "employers": -0.02,
}
"""Insiders tend to rate their own work higher than the people it is meant for."""
STAKEHOLDER_GROUPS = tuple(stakeholder_groups.LABELS)  # the same groups, in that order


def clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def organisation_profile(definition: Definition, rng: random.Random) -> Profile:
    """A latent profile: an overall level and a spread of strengths and weaknesses around it."""
    base = rng.uniform(0.3, 0.75)
    return {d.id: clip(base + rng.gauss(0, 0.18)) for d in definition.dimensions}


def respondent_profile(profile: Profile, group: str | None, rng: random.Random) -> Profile:
    bias = GROUP_BIAS.get(group or "", 0.0)
    return {key: clip(level + bias + rng.gauss(0, 0.08)) for key, level in profile.items()}


def answers_for(definition: Definition, profile: Profile, rng: random.Random) -> dict[str, Any]:
    """Answers to every item shown (``show_if`` evaluated in order), none to hidden ones."""
    answers: dict[str, Any] = {}
    for item in definition.items:
        if item.show_if and not _condition(item.show_if).evaluate(answers):
            continue
        level = clip(profile[item.dimension] + rng.gauss(0, 0.12))
        value = _answer(definition, item, level, rng)
        if value is not None:
            answers[item.id] = value
    return answers


@lru_cache(maxsize=1024)
def _condition(source: str) -> Condition:
    return parse_condition(source)


def _answer(definition: Definition, item: Item, level: float, rng: random.Random) -> Any:
    if item.type is ItemType.SCALE:
        assert item.scale is not None
        scale = definition.scales[item.scale]
        if scale.not_applicable and rng.random() < NOT_APPLICABLE_SHARE:
            return NOT_APPLICABLE
        position = 1 - level if item.reverse else level
        return scale.values[round(position * (len(scale.values) - 1))]
    if item.type is ItemType.SINGLE_CHOICE:
        return _pick(item, level, rng)
    if item.type is ItemType.MULTI_CHOICE:
        choices = [c for c in item.choices or [] if not c.exclusive]
        chosen = [c.id for c in choices if rng.random() < 0.15 + 0.6 * level]
        exclusive = [c.id for c in item.choices or [] if c.exclusive]
        return chosen or exclusive[:1] or [_pick(item, level, rng)]
    if item.type is ItemType.NUMBER:
        low = item.min if item.min is not None else 0
        high = item.max if item.max is not None else low + 100
        return round(low + level * (high - low))
    return None  # free text: a synthetic sentence would only add noise to exports


def _pick(item: Item, level: float, rng: random.Random) -> str:
    """A choice near the level when choices carry scores, any choice when they do not."""
    choices = item.choices or []
    weights = [
        1.0 if c.score is None else math.exp(-4 * abs(c.score / 100 - level)) for c in choices
    ]
    return rng.choices(choices, weights=weights)[0].id
