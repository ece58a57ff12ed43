"""Kept organisation aggregates: served again while nothing they summarise changed, computed
anew after a submission, an erasure or a rebuild (never stale)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from sqlmodel import Session, select

from app.models import Response
from app.services import bulk, cohort, respondent_data, results, scores, synthetic
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


def test_a_round_profile_recomputes_only_the_organisation_that_changed(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    definition = factories.questionnaire(session)
    network = factories.network(session)
    other = factories.organisation(session, network.project, "Other")
    ours = bulk.add_submitted(
        session, network.round, network.organisation, _answers(definition, 4, 3)
    )
    bulk.add_submitted(session, network.round, other, _answers(definition, 3, 4))
    session.commit()
    computed: list[list[int] | None] = []
    original = cohort._numbers

    def counting(*args: Any) -> Any:
        computed.append(None if args[-1] is None else sorted(args[-1]))
        return original(*args)

    monkeypatch.setattr(cohort, "_numbers", counting)

    def counts() -> dict[str, int]:
        profile = cohort.round_profile(session, network.project, network.round)
        return {one.organisation.name: one.responses for one in profile.organisations}

    mine, theirs = network.organisation.name, "Other"
    assert counts() == {mine: 4, theirs: 3}
    assert computed == [None]  # the first view: the whole round in one pass
    assert counts() == {mine: 4, theirs: 3}
    assert computed == [None]  # nothing changed: kept

    bulk.add_submitted(session, network.round, other, _answers(definition, 1, 5))
    session.commit()
    assert counts() == {mine: 4, theirs: 4}
    assert computed == [None, [other.id]]  # only the organisation with a new submission

    public_id = session.exec(select(Response.public_id).where(Response.id == ours[-1])).one()
    respondent_data.erase(session, public_id)
    session.commit()
    assert counts() == {mine: 3, theirs: 4}
    assert computed == [None, [other.id], [network.organisation.id]]

    scores.rescore(session, scores.Batch(network.round.questionnaire_version_id, tuple(ours)))
    session.commit()
    assert counts() == {mine: 3, theirs: 4}
    assert computed[-1] is None  # a rebuild wrote new score rows: everything again


def test_a_submitted_profile_is_kept_per_public_id_and_revision(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The result page scores a submitted response once; a draft is scored on every view, and
    another response or revision (a write of its answers) is scored anew."""
    definition = factories.questionnaire(session)
    network = factories.network(session)
    answers = _answers(definition, 2, 6)
    ids = bulk.add_submitted(session, network.round, network.organisation, answers)
    draft = factories.response(session, network.round, network.organisation, answers[0])
    session.commit()
    scored: list[int] = []
    original = results.score_response

    def counting(definition_: Definition, given: dict[str, Any]) -> Any:
        scored.append(len(given))
        return original(definition_, given)

    monkeypatch.setattr(results, "score_response", counting)
    first = load(session, ids[0])
    profile = results.own_profile(first)
    assert results.own_profile(load(session, ids[0])) is profile
    assert len(scored) == 1
    other = results.own_profile(load(session, ids[1]))
    assert other is not profile
    assert len(scored) == 2
    assert draft.id is not None
    results.own_profile(load(session, draft.id))
    results.own_profile(load(session, draft.id))
    assert len(scored) == 4, "a draft changes: never kept"
    first.response.revision += 1  # as every write of the answers does
    assert results.own_profile(first) is not profile
    assert len(scored) == 5
