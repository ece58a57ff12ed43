"""A round's own settings in the service: its minimum group size in aggregates, its notice
and group labels per language with their fallbacks, and the window changes allowed after
answers (extend, reopen with a reason) with their refusals."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from app.db_types import utcnow
from app.errors import Conflict, InvalidInput
from app.models import AuditEvent
from app.services import bulk, questionnaires, results, rounds, synthetic
from app.services.responses import load
from app.services.rounds import RoundSettings, StakeholderGroup
from scoring import Definition, parse_definition
from tests import factories
from tests.helpers import minimal_definition


def _answers(definition: Definition, count: int) -> list[dict[str, Any]]:
    rng = random.Random(7)
    profile = synthetic.organisation_profile(definition, rng)
    return [
        synthetic.answers_for(definition, synthetic.respondent_profile(profile, None, rng), rng)
        for _ in range(count)
    ]


@pytest.mark.parametrize(("own", "shown"), [(None, False), (2, True), (4, False)])
def test_aggregates_honour_the_rounds_minimum_group_size(
    session: Session, own: int | None, shown: bool
) -> None:
    """Three submissions; the project asks for five, the round may ask for fewer or more."""
    definition = factories.questionnaire(session)
    project = factories.project(session, min_group_size=5)
    organisation = factories.organisation(session, project)
    round_ = factories.round_(session, project, min_group_size=own)
    ids = bulk.add_submitted(session, round_, organisation, _answers(definition, 3))
    group = results.organisation_group(session, load(session, ids[0]))
    assert group.count == 3
    assert group.min_group_size == (5 if own is None else own)
    assert group.shown is shown


def test_a_notice_falls_back_to_the_default_language(session: Session) -> None:
    round_ = factories.round_(session, privacy_notices={"en": "English notice"})
    assert rounds.notice_for(round_, "en", "en") == rounds.Notice("English notice", "en", False)
    assert rounds.notice_for(round_, "de", "en") == rounds.Notice("English notice", "en", True)
    empty = factories.round_(session)
    assert rounds.notice_for(empty, "de", "en").text == ""


def test_group_labels_come_from_the_round_then_the_interface(session: Session) -> None:
    round_ = factories.round_(
        session,
        stakeholder_groups=[
            StakeholderGroup("civil-society", {"de": "Bürgerschaft"}),
            StakeholderGroup("city-council", {"en": "City council"}),
        ],
    )

    def label(key: str, language: str) -> str:
        return rounds.group_label(round_, key, language, "en", lambda text: f"[{text}]")

    assert label("civil-society", "de") == "Bürgerschaft"
    assert label("civil-society", "en") == "[Civil society]"  # the catalogue knows it
    assert label("city-council", "de") == "City council"  # the default language's
    assert label("schools", "de") == "Schools"  # neither: the key made readable


def test_a_notice_given_twice_for_the_default_language_is_refused(session: Session) -> None:
    with pytest.raises(InvalidInput, match="the notice in 'en' is given twice"):
        factories.round_(session, privacy_notice="A", privacy_notices={"en": "B"})


def test_the_version_decides_which_languages_a_round_may_use(session: Session) -> None:
    with pytest.raises(InvalidInput, match="'fr' is not a language of this questionnaire"):
        factories.round_(session, privacy_notices={"fr": "Avis"})


def test_editing_moves_a_round_to_another_published_version(session: Session) -> None:
    data = minimal_definition()
    data["version"] = "1.1"
    factories.questionnaire(session, data)
    project = factories.project(session)
    round_ = factories.round_(session, project)
    rounds.update_round(session, project, round_, "mini", "1.1", RoundSettings(name="Moved"))
    assert rounds.version_of(session, round_).version == "1.1"
    assert round_.name == "Moved"


def test_extend_and_reopen_change_only_the_window_and_are_audited(session: Session) -> None:
    network = factories.network(session, closes_at=utcnow() + timedelta(days=3))
    round_ = network.round
    factories.response(session, round_, network.organisation)  # extending is still allowed
    with pytest.raises(InvalidInput, match="later than the current one"):
        rounds.extend_round(session, round_, utcnow() + timedelta(days=1))
    rounds.extend_round(session, round_, utcnow() + timedelta(days=10), actor="ana")
    rounds.close_round(session, round_)
    with pytest.raises(Conflict, match="is closed: reopen it"):
        rounds.extend_round(session, round_, utcnow() + timedelta(days=20))
    with pytest.raises(InvalidInput, match="reason: contains the control character"):
        rounds.reopen_round(session, round_, "more\ntime")
    with pytest.raises(InvalidInput, match="closing day must lie in the future"):
        rounds.reopen_round(session, round_, "more time", closes_at=utcnow() - timedelta(days=1))
    rounds.reopen_round(session, round_, "Two partners asked for more time", actor="ana")
    assert rounds.round_state(round_) is rounds.RoundState.OPEN
    with pytest.raises(Conflict, match="is not closed"):
        rounds.reopen_round(session, round_, "again")
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "round.reopen")).all()
    assert [event.detail["reason"] for event in events] == ["Two partners asked for more time"]


def test_a_round_whose_end_has_passed_needs_a_new_closing_date_to_reopen(
    session: Session,
) -> None:
    network = factories.network(
        session,
        opens_at=utcnow() - timedelta(days=10),
        closes_at=utcnow() - timedelta(days=1),
    )
    with pytest.raises(InvalidInput, match="the closing day has passed"):
        rounds.reopen_round(session, network.round, "late partner")
    rounds.reopen_round(
        session, network.round, "late partner", closes_at=utcnow() + timedelta(days=7)
    )
    assert rounds.round_state(network.round) is rounds.RoundState.OPEN


def test_round_settings_are_checked_as_a_whole(session: Session) -> None:
    definition = parse_definition(minimal_definition())
    groups = [StakeholderGroup(f"g{n}") for n in range(rounds.MAX_GROUPS + 1)]
    with pytest.raises(InvalidInput, match="at most 50 allowed"):
        rounds.check_settings(RoundSettings(name="R", stakeholder_groups=groups), definition)
    notices, stored = rounds.check_settings(
        RoundSettings(
            name="R",
            privacy_notices={"de": "Zeile 1\r\nZeile 2", "en": "  "},
            stakeholder_groups=[StakeholderGroup("a", {"de": " A ", "en": ""})],
        ),
        definition,
    )
    assert notices == {"de": "Zeile 1\nZeile 2"}
    assert stored == [StakeholderGroup("a", {"de": "A"})]


def test_a_round_keeps_a_version_retired_since_but_cannot_move_to_one(session: Session) -> None:
    data = minimal_definition()
    data["version"] = "1.1"
    factories.questionnaire(session, data)
    project = factories.project(session)
    round_ = factories.round_(session, project)
    questionnaires.retire(session, "mini", "1.0")
    rounds.update_round(session, project, round_, "mini", "1.0", RoundSettings(name="Renamed"))
    assert round_.name == "Renamed"
    rounds.update_round(session, project, round_, "mini", "1.1", RoundSettings(name="Moved"))
    with pytest.raises(Conflict, match="is retired: no new rounds"):
        rounds.update_round(session, project, round_, "mini", "1.0", RoundSettings(name="Back"))
