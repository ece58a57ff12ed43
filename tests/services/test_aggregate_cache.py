"""Kept organisation aggregates: served again while nothing they summarise changed, computed
anew after a submission, an erasure or a rebuild (never stale)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from sqlmodel import Session, select

from app.models import Response
from app.services import bulk, respondent_data, results, scores, synthetic
from app.services.responses import load
from scoring import Definition
from tests import factories


def _answers(definition: Definition, count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    profile = synthetic.organisation_profile(definition, rng)
    return [
        synthetic.answers_for(definition, synthetic.respondent_profile(profile, None, rng), rng)
        for _ in range(count)
    ]


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The counts of the aggregates computed (not served from the cache)."""
    counts: list[int] = []
    original = results.compute_group

    def counting(session: Session, *args: Any) -> results.GroupResult:
        group = original(session, *args)
        counts.append(group.count)
        return group

    monkeypatch.setattr(results, "compute_group", counting)
    return counts


def test_the_aggregate_is_kept_until_what_it_summarises_changes(
    session: Session, computed: list[int]
) -> None:
    definition = factories.questionnaire(session)
    network = factories.network(session)
    ids = bulk.add_submitted(
        session, network.round, network.organisation, _answers(definition, 5, 1)
    )
    session.commit()

    def view() -> results.GroupResult:
        return results.organisation_group(session, load(session, ids[0]))

    first = view()
    assert view() is first  # nothing changed: kept
    assert computed == [5]

    bulk.add_submitted(session, network.round, network.organisation, _answers(definition, 1, 2))
    session.commit()
    assert view().count == 6  # a submission

    public_id = session.exec(select(Response.public_id).where(Response.id == ids[-1])).one()
    respondent_data.erase(session, public_id)
    session.commit()
    assert view().count == 5  # an erasure

    before = view()
    scores.rescore(session, scores.Batch(network.round.questionnaire_version_id, tuple(ids)))
    session.commit()
    assert view() is not before  # a rebuild wrote new score rows
    assert computed == [5, 6, 5, 5]
