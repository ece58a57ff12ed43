"""``radar quality``: the page's figures on the command line (lines or ``--json``), read-only;
below the minimum group size no figures; an unknown version or round is one line."""

from __future__ import annotations

import json

from sqlmodel import Session

from scoring import instrument_quality, parse_definition
from tests import factories
from tests.cli.helpers import Radar, fails
from tests.helpers import minimal_definition
from tests.web.test_quality_page import BASELINE, FOLLOW_UP


def _seed(session: Session) -> str:
    net = factories.network(session, min_group_size=2, round_name="Baseline")
    follow_up = factories.round_(session, net.project, "Follow-up")
    for answers in BASELINE:
        factories.response(session, net.round, net.organisation, answers, submitted=True)
    for answers in FOLLOW_UP:
        factories.response(session, follow_up, net.organisation, answers, submitted=True)
    session.commit()
    return net.project.slug


def test_lines_and_json_give_the_librarys_figures(radar: Radar, session: Session) -> None:
    slug = _seed(session)
    expected = instrument_quality(parse_definition(minimal_definition()), BASELINE + FOLLOW_UP)
    result = radar("quality", slug, "mini", "1.0")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "6 submitted responses, minimum group size 2"
    assert "dimension\tleadership\t0.75\t2\t" in lines
    assert "dimension\tservices\t-\t5\tsingle_item" in lines
    assert "item\tleadership.has_budget\t-\t1.00\t0%\t0%\tlowers_alpha" in lines

    data = json.loads(radar("quality", slug, "mini", "1.0", "--json").stdout)
    leadership = data["dimensions"][0]
    assert leadership["alpha"] == expected.dimensions["leadership"].alpha
    mandate = leadership["items"][0]
    assert mandate["distribution"] == dict(expected.items["leadership.mandate"].distribution or {})
    assert (
        mandate["not_applicable_rate"] == expected.items["leadership.mandate"].not_applicable_rate
    )
    assert [r["name"] for r in data["rounds"] if r["chosen"]] == ["Baseline", "Follow-up"]


def test_below_the_minimum_there_are_no_figures(radar: Radar, session: Session) -> None:
    slug = _seed(session)
    result = radar("quality", slug, "mini", "1.0", "--round", "Follow-up")
    assert result.stdout.splitlines() == [
        "1 submitted responses, minimum group size 2",
        "not enough responses: no figures",
    ]
    data = json.loads(
        radar("quality", slug, "mini", "1.0", "--round", "Follow-up", "--json").stdout
    )
    assert (data["shown"], data["dimensions"]) == (False, [])


def test_an_unknown_version_is_one_line(radar: Radar, session: Session) -> None:
    slug = _seed(session)
    fails(radar("quality", slug, "mini", "9.9"), "no version '9.9' of questionnaire 'mini'")
