"""A seeded round for the cohort tests (service, API, dashboard page): several organisations
and stakeholder groups, N/A answers, one organisation below the minimum group size, one
without attributes (and with a hostile name), one without responses.

:func:`expected` computes what the dashboard must show with the scoring library alone, from
the answers (never from the stored scores the app reads).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from app.models import Organisation, Project, Round
from scoring import (
    CohortComparison,
    OrganisationAggregate,
    aggregate_organisation,
    compare_cohort,
    parse_definition,
    score_response,
)
from tests import factories
from tests.helpers import minimal_definition

HOSTILE = '<script>alert("x")</script> & =SUM(A1)'
MIN_GROUP_SIZE = 3


def _answers(mandate: Any, budget: str, size: Any, training: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "leadership.mandate": mandate,
        "leadership.has_budget": budget,
        "services.training": training,
    }
    if budget == "yes":
        answers["leadership.budget_size"] = size
    return answers


# name -> (attributes, [(stakeholder group, answers), ...])
ORGANISATIONS: dict[str, tuple[dict[str, Any], list[tuple[str | None, dict[str, Any]]]]] = {
    "Aachen": (
        {
            "country": "DE",
            "kind": "city",
            "population": 250_000,
            "foreign_born_share": 15.0,
            "area_type": "urban",
        },
        [
            ("administration", _answers(4, "yes", 0, 4)),
            ("administration", _answers(4, "yes", 1, 3)),
            ("administration", _answers(3, "yes", 0, 4)),
            ("civil-society", _answers(0, "no", None, 1)),
            ("civil-society", _answers(1, "no", None, 0)),
        ],
    ),
    "Brno": (
        {
            "country": "CZ",
            "kind": "city",
            "population": 380_000,
            "foreign_born_share": 8.0,
            "area_type": "urban",
        },
        [
            (None, _answers("na", "no", None, 2)),
            (None, _answers(2, "yes", 2, "na")),
            (None, _answers(3, "no", None, 3)),
        ],
    ),
    "Cork": (
        {
            "country": "IE",
            "kind": "county",
            "population": 580_000,
            "foreign_born_share": 20.0,
            "area_type": "rural",
        },
        [("education", _answers(v, "yes", 4 - v, v)) for v in (1, 2, 2, 3)],
    ),
    "Dresden": (
        {
            "country": "DE",
            "kind": "city",
            "population": 560_000,
            "foreign_born_share": 10.0,
            "area_type": "urban",
        },
        [(None, _answers(4, "yes", 0, 4)), (None, _answers(0, "no", None, 0))],
    ),
    HOSTILE: (
        {"country": "DE", "kind": "ngo"},
        [(None, _answers(v, "no", None, 4 - v)) for v in (0, 1, 4)],
    ),
    "Empty": ({"country": "PL", "kind": "region", "population": 100_000}, []),
}


@dataclass(frozen=True)
class Seeded:
    project: Project
    round: Round
    organisations: dict[str, Organisation]

    def id(self, name: str) -> int:
        found = self.organisations[name].id
        assert found is not None
        return found


def seed(session: Session, project: Project | None = None) -> Seeded:
    """The round above, submitted and scored as submissions store them (not committed)."""
    project = project or factories.project(session, min_group_size=MIN_GROUP_SIZE)
    round_ = factories.round_(session, project)
    made = {}
    for name, (attributes, responses) in ORGANISATIONS.items():
        organisation = factories.organisation(session, project, name, **attributes)
        made[name] = organisation
        for group, answers in responses:
            factories.response(
                session,
                round_,
                organisation,
                answers,
                submitted=True,
                scored=True,
                stakeholder_group=group,
            )
    return Seeded(project, round_, made)


@dataclass(frozen=True)
class Expected:
    aggregates: dict[str, OrganisationAggregate]
    """Organisations at or above the minimum group size, by name."""
    cohort: CohortComparison
    """Dimensions, keyed by organisation name."""


def expected(names: list[str] | None = None, group: str | None = None) -> Expected:
    """The scoring library's numbers for the organisations ``names`` (default all), counting
    only responses of stakeholder ``group`` if given."""
    definition = parse_definition(minimal_definition())
    aggregates = {}
    for name, (_attributes, responses) in ORGANISATIONS.items():
        if names is not None and name not in names:
            continue
        profiles = [
            score_response(definition, answers)
            for member, answers in responses
            if group is None or member == group
        ]
        if len(profiles) >= MIN_GROUP_SIZE:
            aggregates[name] = aggregate_organisation(profiles, min_group_size=MIN_GROUP_SIZE)
    cohort = compare_cohort(
        {name: a.dimension_means() for name, a in aggregates.items()},
        dimensions=[d.id for d in definition.dimensions],
    )
    return Expected(aggregates, cohort)
