"""The instrument quality service: submitted answers of the chosen rounds, read in batches,
give the scoring library's report; the minimum group size is the largest of the chosen
rounds'; a version the project does not use, or a round not on it, is "not found"."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from app.errors import InvalidInput, NotFound
from app.services import instrument_quality as service
from scoring import instrument_quality, parse_definition
from tests import factories
from tests.helpers import minimal_definition
from tests.web.test_quality_page import BASELINE, FOLLOW_UP


def test_batches_give_the_librarys_report(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "BATCH_SIZE", 2)
    network = factories.network(session, min_group_size=2)
    anonymous = factories.round_(session, network.project, "Anonymous", anonymous=True)
    for answers in BASELINE:
        factories.response(session, network.round, network.organisation, answers, submitted=True)
    for answers in FOLLOW_UP:
        factories.response(session, anonymous, network.organisation, answers, submitted=True)
    factories.response(session, anonymous, network.organisation, {"leadership.mandate": 1})
    found = service.gather(session, network.project, "mini", "1.0")
    definition = parse_definition(minimal_definition())
    assert found.report == instrument_quality(definition, BASELINE + FOLLOW_UP)
    assert (found.responses, found.minimum) == (6, 2)
    assert [(c.round.name, c.submitted, c.chosen) for c in found.rounds] == [
        (network.round.name, 5, True),
        ("Anonymous", 1, True),
    ]
    assert service.versions_in_use(session, network.project) == [("mini", "1.0")]
    assert dict(found.flags) == {"leadership.has_budget": ("lowers_alpha",)}


def test_below_the_largest_minimum_of_the_chosen_rounds_there_are_no_figures(
    session: Session,
) -> None:
    network = factories.network(session, min_group_size=2)
    strict = factories.round_(session, network.project, "Strict", min_group_size=7)
    for answers in BASELINE:
        factories.response(session, network.round, network.organisation, answers, submitted=True)
    assert service.gather(session, network.project, "mini", "1.0", [network.round.id or 0]).shown
    both = service.gather(session, network.project, "mini", "1.0")
    assert (both.shown, both.minimum, both.report, both.flags) == (False, 7, None, {})
    assert strict.id is not None
    only = service.gather(session, network.project, "mini", "1.0", [strict.id])
    assert (only.responses, only.shown) == (0, False)


def test_what_the_project_does_not_use_is_not_found(session: Session) -> None:
    network = factories.network(session)
    elsewhere = factories.network(session).round
    assert elsewhere.id is not None
    with pytest.raises(InvalidInput) as chosen:  # a wrong value of the round filter
        service.gather(session, network.project, "mini", "1.0", [elsewhere.id])
    assert chosen.value.extra["field"] == "round"
    with pytest.raises(NotFound):
        service.gather(session, network.project, "mini", "2.0")
    with pytest.raises(NotFound):
        service.gather(session, factories.project(session), "mini", "1.0")


def test_a_question_shown_to_fewer_than_the_minimum_keeps_no_rates(session: Session) -> None:
    network = factories.network(session, min_group_size=4)
    for answers in BASELINE:
        factories.response(session, network.round, network.organisation, answers, submitted=True)
    found = service.gather(session, network.project, "mini", "1.0")
    assert found.shown  # five responses
    assert found.report is not None
    assert found.report.items["leadership.budget_size"].shown == 3  # hidden for two
    assert not found.item_shown("leadership.budget_size")
    assert found.item_shown("leadership.mandate")
    size = service.to_dict(found)["dimensions"][0]["items"][2]
    assert size["id"] == "leadership.budget_size"
    assert (size["shown"], size["missing_rate"], size["distribution"]) == (None, None, None)
