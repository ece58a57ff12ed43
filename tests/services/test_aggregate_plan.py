"""The organisation aggregate's query: planned on its indexes (migration 0003) whatever the
table statistics say, so that a result page costs what its organisation holds, not what the
whole database holds; and it still gives the aggregate of the stored scores."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session

from app.models import Organisation, Round
from app.services import bulk, projects, results, synthetic
from app.services.responses import load
from scoring import Definition, aggregate_scores, score_response
from tests import factories

OWN = 12  # the measured organisation's responses
OTHERS = (400, 400, 400)  # other organisations' responses: most score rows are not its own


def _answers(definition: Definition, count: int, rng: random.Random) -> list[dict[str, Any]]:
    profile = synthetic.organisation_profile(definition, rng)
    return [
        synthetic.answers_for(definition, synthetic.respondent_profile(profile, None, rng), rng)
        for _ in range(count)
    ]


@pytest.fixture
def seeded(session: Session) -> tuple[Definition, factories.Network, list[dict[str, Any]]]:
    definition = factories.questionnaire(session)
    network = factories.network(session)
    rng = random.Random(7)
    own = _answers(definition, OWN, rng)
    bulk.add_submitted(session, network.round, network.organisation, own)
    for number, count in enumerate(OTHERS):
        other = projects.add_organisation(session, network.project, f"Other {number}")
        bulk.add_submitted(session, network.round, other, _answers(definition, count, rng))
    session.commit()
    return definition, network, own


def _plan(session: Session, round_: Round, organisation: Organisation, keys: list[str]) -> str:
    """The plan as one text: SQLite's EXPLAIN QUERY PLAN lines, PostgreSQL's JSON plan."""
    assert round_.id is not None
    assert organisation.id is not None
    query = results.organisation_scores(round_.id, organisation.id, keys)
    dialect = session.get_bind().dialect
    sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    if dialect.name == "sqlite":
        rows = session.execute(text(f"EXPLAIN QUERY PLAN {sql}")).all()
        return "\n".join(str(row[-1]) for row in rows)
    [plan] = session.execute(text(f"EXPLAIN (FORMAT JSON) {sql}")).one()
    return json.dumps(plan)


def _check(plan: str, dialect: str) -> None:
    """Led by the organisation's responses, then each one's scores by response id; never the
    score table's ``kind`` index, never a scan of a whole table."""
    assert "ix_response_score_target" not in plan, plan
    if dialect == "sqlite":
        assert "SEARCH response USING COVERING INDEX ix_response_aggregate" in plan, plan
        assert "SEARCH response_score USING COVERING INDEX ix_response_score_aggregate" in plan
        assert "SCAN" not in plan, plan
    else:  # PostgreSQL plans by cost: any index on the organisation, scores by response id
        nodes = _nodes(json.loads(plan)[0]["Plan"])
        assert "Seq Scan" not in {node["Node Type"] for node in nodes}, plan
        [outer] = [node for node in nodes if node.get("Relation Name") == "response"]
        assert "organisation_id = " in outer.get("Index Cond", ""), plan
        [inner] = [node for node in nodes if node.get("Relation Name") == "response_score"]
        assert "(response_id = response.id)" in json.dumps(inner), plan  # index or bitmap


def _nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [node, *(found for child in node.get("Plans", []) for found in _nodes(child))]


def test_the_aggregate_query_uses_its_indexes_with_and_without_statistics(
    session: Session, seeded: tuple[Definition, factories.Network, list[dict[str, Any]]]
) -> None:
    definition, network, _own = seeded
    keys = [dimension.id for dimension in definition.dimensions]
    dialect = session.get_bind().dialect.name
    _check(_plan(session, network.round, network.organisation, keys), dialect)  # no statistics
    session.execute(text("ANALYZE"))
    session.commit()
    _check(_plan(session, network.round, network.organisation, keys), dialect)


def test_the_aggregate_is_that_of_the_stored_scores(
    session: Session, seeded: tuple[Definition, factories.Network, list[dict[str, Any]]]
) -> None:
    definition, network, own = seeded
    organisation_response = network.organisation.id
    assert organisation_response is not None
    response_id = session.execute(
        text("SELECT min(id) FROM response WHERE organisation_id = :o"),
        {"o": organisation_response},
    ).scalar_one()
    group = results.organisation_group(session, load(session, response_id))
    keys = [dimension.id for dimension in definition.dimensions]
    expected = aggregate_scores(
        [
            {key: score.score for key, score in score_response(definition, a).dimensions.items()}
            for a in own
        ],
        keys,
        min_group_size=network.project.min_group_size,
    )
    assert group.count == OWN
    assert group.dimensions is not None
    for key in keys:
        got, want = group.dimensions[key], expected[key]
        assert got.n == want.n
        assert got.mean == pytest.approx(want.mean, abs=0.01)  # stored scores are rounded
        assert got.median == pytest.approx(want.median, abs=0.01)
