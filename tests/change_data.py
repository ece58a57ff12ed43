"""Two seeded rounds of comparable versions for the change-between-rounds tests (service, API,
page), and a third round of a version that is not comparable.

Questionnaire ``change``: 1.0 has the dimension ``staff``, 1.1 (``comparable_with: [1.0]``)
drops it and adds ``networks`` and the index ``reach``; both have ``leadership``, ``services``,
the area ``governance`` and the index ``core``. 2.0 is 1.1 without ``comparable_with``.
Brno answers ``services`` "not applicable" in the earlier round (no score there); Cork is below
the minimum group size in the earlier round, Dresden in the later one; Empty has no responses.

:func:`expected` computes the changes with the scoring library alone, from the answers.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from app.models import Organisation, Project, Round
from scoring import (
    Definition,
    RoundComparison,
    aggregate_organisation,
    compare_rounds,
    parse_definition,
    score_response,
)
from tests import factories
from tests.helpers import minimal_definition

SLUG = "change"
MIN_GROUP_SIZE = 3


def _item(item_id: str, dimension: str) -> dict[str, Any]:
    return {"id": item_id, "dimension": dimension, "type": "scale", "scale": "agreement"} | {
        "text": {"de": "Frage?", "en": "Question?"}
    }


def definition_data(version: str) -> dict[str, Any]:
    """The ``change`` questionnaire's definition of ``version`` (1.0, 1.1 or 2.0)."""
    data = minimal_definition()
    data["slug"] = SLUG
    data["version"] = version
    data["areas"] = [{"id": "governance", "title": {"de": "Steuerung", "en": "Governance"}}]
    data["indexes"] = [
        {"id": "core", "title": {"de": "Kern", "en": "Core"}, "of": ["leadership", "services"]}
    ]
    for dimension in data["dimensions"]:
        dimension["area"] = "governance"
    if version == "1.0":
        data["dimensions"].append(
            {"id": "staff", "area": "governance", "title": {"de": "Personal", "en": "Staff"}}
        )
        data["items"].append(_item("staff.count", "staff"))
    else:
        data["dimensions"].append(
            {"id": "networks", "area": "governance", "title": {"de": "Netzwerke", "en": "Networks"}}
        )
        data["items"].append(_item("networks.partners", "networks"))
        data["indexes"].append(
            {"id": "reach", "title": {"de": "Reichweite", "en": "Reach"}, "of": ["networks"]}
        )
    if version == "1.1":
        data["comparable_with"] = ["1.0"]
    return copy.deepcopy(data)


def _answers(mandate: Any, training: Any, extra: Any, *, later: bool) -> dict[str, Any]:
    return {
        "leadership.mandate": mandate,
        "leadership.has_budget": "no",
        "services.training": training,
        ("networks.partners" if later else "staff.count"): extra,
    }


EARLIER: dict[str, list[dict[str, Any]]] = {
    "Aachen": [_answers(m, t, 2, later=False) for m, t in ((1, 2), (2, 2), (1, 3))],
    "Brno": [_answers(m, "na", 1, later=False) for m in (3, 4, 4)],
    "Cork": [_answers(2, 2, 2, later=False) for _ in range(2)],
    "Dresden": [_answers(m, 1, 0, later=False) for m in (0, 1, 2)],
}
LATER: dict[str, list[dict[str, Any]]] = {
    "Aachen": [_answers(m, t, 3, later=True) for m, t in ((3, 4), (2, 3), (4, 4), (3, "na"))],
    "Brno": [_answers(m, 2, "na", later=True) for m in (2, 3, 2)],
    "Cork": [_answers(m, 3, 4, later=True) for m in (4, 4, 3)],
    "Dresden": [_answers(4, 4, 4, later=True) for _ in range(2)],
}
NAMES = ("Aachen", "Brno", "Cork", "Dresden", "Empty")


@dataclass(frozen=True)
class Seeded:
    project: Project
    earlier: Round
    later: Round
    other: Round
    """A round of version 2.0 (not comparable), opened between the two."""
    organisations: dict[str, Organisation]

    def id(self, name: str) -> int:
        found = self.organisations[name].id
        assert found is not None
        return found


def definitions() -> dict[str, Definition]:
    return {v: parse_definition(definition_data(v)) for v in ("1.0", "1.1", "2.0")}


def seed(session: Session, project: Project | None = None) -> Seeded:
    """The rounds above, submitted and scored as submissions store them (not committed)."""
    for version in ("1.0", "1.1", "2.0"):
        factories.questionnaire(session, definition_data(version))
    project = project or factories.project(session, min_group_size=MIN_GROUP_SIZE)

    def round_(name: str, version: str, year: int) -> Round:
        opens = datetime(year, 3, 1, tzinfo=UTC)
        return factories.round_(session, project, name, slug=SLUG, version=version, opens_at=opens)

    earlier = round_("Baseline 2024", "1.0", 2024)
    other = round_("Pilot 2025", "2.0", 2025)
    later = round_("Follow-up 2026", "1.1", 2026)
    made = {name: factories.organisation(session, project, name) for name in NAMES}
    for round_in, answers in ((earlier, EARLIER), (later, LATER)):
        for name, responses in answers.items():
            for one in responses:
                factories.response(session, round_in, made[name], one, submitted=True, scored=True)
    return Seeded(project, earlier, later, other, made)


def expected(name: str, part: str = "dimensions") -> RoundComparison | None:
    """``scoring.compare_rounds`` of organisation ``name``'s means, from the answers; None
    when it is below the minimum group size in either round."""
    found = definitions()
    groups = []
    for version, answers in (("1.0", EARLIER), ("1.1", LATER)):
        responses = answers.get(name, [])
        if len(responses) < MIN_GROUP_SIZE:
            return None
        profiles = [score_response(found[version], one) for one in responses]
        groups.append(aggregate_organisation(profiles, min_group_size=MIN_GROUP_SIZE))
    before, after = groups

    def means(aggregate: Any) -> dict[str, float | None]:
        if part == "overall":
            return {"overall": aggregate.overall.mean}
        return {key: value.mean for key, value in getattr(aggregate, part).items()}

    return compare_rounds(found["1.0"], means(before), found["1.1"], means(after), part=part)
