"""``radar projects``, ``radar organisations``, ``radar rounds``, ``radar invite``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app import links
from app.cli.rounds import parse_moment
from app.db import writer_session
from app.errors import InvalidInput, NotFound
from app.models import AuditEvent, Invitation, Round
from app.services import invitations, respondent_links
from app.settings import Settings, get_settings
from tests.cli.helpers import Radar, fails


@pytest.fixture
def network(radar: Radar, published_minimal: None) -> Radar:
    """A project 'net' with organisation 'Saxony' and round 'Baseline' of mini 1.0."""
    for args in (
        ("projects", "create", "net", "--name", "Network"),
        ("organisations", "add", "net", "Saxony", "--country", "DE"),
        ("rounds", "create", "net", "Baseline", "--questionnaire", "mini", "--version", "1.0"),
    ):
        result = radar(*args)
        assert result.exit_code == 0, result.output
    return radar


def test_projects_create_and_list(radar: Radar) -> None:
    assert radar("projects", "create", "net", "--name", "Network", "--min-group-size", "5").stdout
    listed = radar("projects", "list")
    assert listed.stdout.strip() == "net\tNetwork\tmin group 5"
    fails(radar("projects", "create", "net", "--name", "Again"), "project 'net' already exists")


@pytest.mark.parametrize("slug", ["a/b?c#d", "../admin", "Bad Slug!", "UPPER", "net-", "a--b"])
def test_a_project_slug_is_a_safe_path_segment(radar: Radar, slug: str) -> None:
    """A slug names the project in every link: one that needs escaping (or turned the admins'
    project list into a 500) is refused, and nothing is stored."""
    fails(
        radar("projects", "create", slug, "--name", "Network"),
        f"project slug: {slug!r} is not lower-case letters, digits and single hyphens (such as "
        "baltic-network); it names the project in every link",
    )
    assert radar("projects", "list").stdout.strip() == ""


def test_organisations_add_and_list(network: Radar) -> None:
    network("organisations", "add", "net", "Trento", "--country", "it", "--kind", "County")
    listed = network("organisations", "list", "net").stdout.splitlines()
    assert listed == ["Saxony\tDE\tregion", "Trento\tIT\tcounty"]
    fails(
        network("organisations", "add", "net", "Bolzano", "--kind", "province"),
        "kind 'province' is not one of region, municipality, county, city, ngo, other",
    )


def test_unknown_names_fail_with_one_line(network: Radar) -> None:
    fails(network("organisations", "list", "nope"), "no project 'nope'")
    fails(network("organisations", "add", "nope", "X"), "no project 'nope'")
    fails(network("rounds", "close", "net", "Later"), "project 'net' has no round 'Later'")
    fails(network("invite", "nope", "Baseline", "Saxony"), "no project 'nope'")
    fails(network("invite", "net", "Later", "Saxony"), "project 'net' has no round 'Later'")
    fails(
        network("invite", "net", "Baseline", "Atlantis"),
        "project 'net' has no organisation 'Atlantis'",
    )
    fails(
        network("rounds", "create", "net", "R2", "--questionnaire", "nope", "--version", "1.0"),
        "no questionnaire 'nope'",
    )


def test_retired_version_cannot_start_a_round(network: Radar) -> None:
    assert network("questionnaires", "retire", "mini", "1.0").exit_code == 0
    fails(
        network("rounds", "create", "net", "R2", "--questionnaire", "mini", "--version", "1.0"),
        "questionnaire mini 1.0 is retired: no new rounds",
    )


def test_rounds_list_and_close(network: Radar) -> None:
    assert network("rounds", "list", "net").stdout.strip() == "Baseline\t1.0\topen\tcloses -"
    assert network("rounds", "close", "net", "Baseline").exit_code == 0
    assert network("rounds", "list", "net").stdout.strip() == "Baseline\t1.0\tclosed\tcloses -"
    fails(
        network("invite", "net", "Baseline", "Saxony"),
        "round 'Baseline' is closed: no new invitations",
    )


def test_bad_date_fails_with_one_line(network: Radar) -> None:
    fails(
        network(
            "rounds",
            "create",
            "net",
            "R2",
            "--questionnaire",
            "mini",
            "--version",
            "1.0",
            "--closes",
            "31.01.2027",
        ),
        "--closes: '31.01.2027' is not a date such as 2027-01-31",
    )


def test_dates_are_service_days_and_closing_means_end_of_day(cli_env: Settings) -> None:
    """Days are read in the service's time zone (Berlin here), as pages read them."""
    assert cli_env.time_zone == "Europe/Berlin"
    end = parse_moment("--closes", "2027-01-31", end_of_day=True)
    assert end == datetime(2027, 1, 31, 23, tzinfo=UTC)  # midnight in Berlin
    assert parse_moment("--opens", "2027-01-31", end_of_day=False) == datetime(
        2027, 1, 30, 23, tzinfo=UTC
    )
    exact = parse_moment("--closes", "2027-01-31T12:30", end_of_day=True)
    assert exact == datetime(2027, 1, 31, 11, 30, tzinfo=UTC)
    given = parse_moment("--closes", "2027-01-31T12:30+00:00", end_of_day=True)
    assert given == datetime(2027, 1, 31, 12, 30, tzinfo=UTC)


def test_invite_prints_working_links(network: Radar, engine: Engine, cli_env: Settings) -> None:
    result = network(
        "invite",
        "net",
        "Baseline",
        "Saxony",
        "--multi-use",
        "--max-uses",
        "4",
        "--group",
        "ngo",
        "--count",
        "3",
        "--expires",
        "2099-12-31",
    )
    assert result.exit_code == 0, result.output
    links = result.stdout.split()
    assert len(links) == 3
    assert all(link.startswith("http://127.0.0.1:8000/r/") for link in links)
    assert "shown only now" in result.stderr
    with Session(engine) as session:
        resolved = invitations.resolve_invitation(session, links[0].rsplit("/", 1)[1])
        assert (resolved.invitation.max_uses, resolved.invitation.stakeholder_group) == (4, "ngo")
        assert len(session.exec(select(Invitation)).all()) == 3


def test_invite_uses_base_url(
    network: Radar, monkeypatch: pytest.MonkeyPatch, cli_env: Settings
) -> None:
    monkeypatch.setattr(cli_env, "base_url", "https://radar.example.eu/")
    link = network("invite", "net", "Baseline", "Saxony").stdout.strip()
    assert link.startswith("https://radar.example.eu/r/")


def test_invite_refuses_bad_options(network: Radar) -> None:
    fails(
        network("invite", "net", "Baseline", "Saxony", "--max-uses", "3"),
        "a single-use invitation takes no use limit: choose a multi-use invitation or leave the "
        "limit empty",
    )


def test_min_group_size_defaults_to_the_setting(
    radar: Radar, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RADAR_MIN_GROUP_SIZE", "5")
    get_settings.cache_clear()
    assert radar("projects", "create", "net", "--name", "Network").exit_code == 0
    assert "min group 5" in radar("projects", "list").output


def test_invitations_list_and_revoke(network: Radar, engine: Engine) -> None:
    links = network("invite", "net", "Baseline", "Saxony", "--count", "2", "--label", "mayor")
    first, second = (link.rsplit("/", 1)[1] for link in links.stdout.split())
    network("invite", "net", "Baseline", "Saxony", "--multi-use", "--group", "ngo")
    listed = network("invitations", "list", "net", "Baseline").stdout.splitlines()
    assert listed == [
        "1\tSaxony\t-\tsingle-use\t0 use(s)\texpires -\tactive\tmayor",
        "2\tSaxony\t-\tsingle-use\t0 use(s)\texpires -\tactive\tmayor",
        "3\tSaxony\tngo\tmulti-use\t0 use(s)\texpires -\tactive",
    ]
    assert network("invitations", "revoke", "net", "Baseline", "1").stdout == (
        "invitation 1 revoked\n"
    )
    assert "\trevoked\t" in network("invitations", "list", "net", "Baseline").stdout
    with Session(engine) as session:
        with pytest.raises(invitations.InvitationInvalid):
            invitations.resolve_invitation(session, first)
        assert invitations.resolve_invitation(session, second).invitation.id == 2


def test_revoke_checks_the_round(network: Radar) -> None:
    network("invite", "net", "Baseline", "Saxony")
    network("rounds", "create", "net", "Follow-up", "--questionnaire", "mini", "--version", "1.0")
    fails(
        network("invitations", "revoke", "net", "Follow-up", "1"),
        "round 'Follow-up' has no invitation 1",
    )
    fails(
        network("invitations", "revoke", "net", "Baseline", "99"),
        "round 'Baseline' has no invitation 99",
    )


def test_invite_stores_every_link_or_none(
    network: Radar, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command is one unit of work: a failure at the third of five links keeps none, and
    no link is printed that would not work."""
    create = invitations.create_invitation
    made: list[str] = []

    def third_fails(*args: Any, **kwargs: Any) -> tuple[Invitation, str]:
        if len(made) == 2:
            raise InvalidInput("simulated failure")
        invitation, token = create(*args, **kwargs)
        made.append(token)
        return invitation, token

    monkeypatch.setattr(invitations, "create_invitation", third_fails)
    result = network("invite", "net", "Baseline", "Saxony", "--count", "5")
    fails(result, "simulated failure")
    assert result.stdout == ""
    with Session(engine) as session:
        assert session.exec(select(Invitation)).all() == []


def test_anonymous_round_refuses_a_label_on_a_single_use_link(network: Radar) -> None:
    network(
        "rounds", "create", "net", "Secret", "--questionnaire", "mini", "--version", "1.0",
        "--anonymous",
    )  # fmt: skip
    fails(
        network("invite", "net", "Secret", "Saxony", "--label", "Anna Schmidt"),
        "round 'Secret' is anonymous: a single-use invitation cannot carry a label, since the "
        "label would name the person who answers (a multi-use invitation may have one)",
    )
    assert network("invitations", "list", "net", "Secret").stdout == ""
    assert network("invite", "net", "Secret", "Saxony").exit_code == 0
    multi = network("invite", "net", "Secret", "Saxony", "--multi-use", "--label", "all staff")
    assert multi.exit_code == 0


def test_new_personal_link_for_a_single_use_invitation(
    network: Radar, engine: Engine, cli_env: Settings
) -> None:
    token = network("invite", "net", "Baseline", "Saxony").stdout.strip().rsplit("/", 1)[1]
    policy = respondent_links.link_policy(cli_env)
    with writer_session(engine) as session:
        response = respondent_links.open_invitation(session, token)
        old = respondent_links.personal_link(session, response, policy)
        response_id = response.id
        session.commit()
    printed = network("invitations", "new-link", "net", "Baseline", "1")
    assert printed.exit_code == 0, printed.output
    link = printed.stdout.strip()
    assert link.startswith("http://127.0.0.1:8000/resume/")
    new = link.rsplit("/", 1)[1]
    assert new != old
    with writer_session(engine) as session:
        with pytest.raises(NotFound):
            respondent_links.find_by_personal_link(session, old, policy)
        assert respondent_links.find_by_personal_link(session, new, policy).id == response_id
        audited = session.exec(select(AuditEvent.action, AuditEvent.actor)).all()
        assert ("response.replace_link", "operator") in audited
    fails(
        network("invitations", "new-link", "net", "Baseline", "2"),
        "round 'Baseline' has no invitation 2",
    )
    network("invite", "net", "Baseline", "Saxony")
    fails(
        network("invitations", "new-link", "net", "Baseline", "2"),
        "invitation 2 has no unsubmitted response",
    )


def test_round_anonymity_is_fixed_once_it_has_responses(network: Radar, engine: Engine) -> None:
    assert network("rounds", "anonymity", "net", "Baseline", "--anonymous").stdout == (
        "round 'Baseline' is anonymous\n"
    )
    token = network("invite", "net", "Baseline", "Saxony").stdout.strip().rsplit("/", 1)[1]
    with writer_session(engine) as session:
        respondent_links.open_invitation(session, token)
        session.commit()
    fails(
        network("rounds", "anonymity", "net", "Baseline", "--named"),
        "round 'Baseline' has 1 response(s): whether it is anonymous can no longer change",
    )
    with Session(engine) as session:
        assert session.exec(select(Round)).one().anonymous is True


def _round(engine: Engine, name: str) -> Round:
    with Session(engine) as session:
        return session.exec(select(Round).where(Round.name == name)).one()


CREATE_R2 = ("rounds", "create", "net", "R2", "--questionnaire", "mini", "--version", "1.0")


def test_rounds_create_with_group_size_notices_and_groups(
    network: Radar, engine: Engine, tmp_path: Any
) -> None:
    german = tmp_path / "de.txt"
    german.write_text("Wir speichern Ihre Antworten.\n", encoding="utf-8")
    english = tmp_path / "en.txt"
    english.write_text("We keep your answers.\n", encoding="utf-8")
    result = network(
        *CREATE_R2,
        "--min-group-size",
        "4",
        "--notice",
        f"de={german}",
        "--notice",
        f"en={english}",
        "--group",
        "civil-society:de=Zivilgesellschaft,en=Civil society, NGOs",
        "--group",
        "schools",
    )
    assert result.exit_code == 0, result.output
    round_ = _round(engine, "R2")
    assert round_.min_group_size == 4
    assert round_.privacy_notices == {
        "de": "Wir speichern Ihre Antworten.\n",
        "en": "We keep your answers.\n",
    }
    assert round_.stakeholder_groups == [
        {
            "key": "civil-society",
            "labels": {"de": "Zivilgesellschaft", "en": "Civil society, NGOs"},
        },
        {"key": "schools", "labels": {}},
    ]


def test_rounds_create_refuses_bad_settings(network: Radar, tmp_path: Any) -> None:
    notice = tmp_path / "fr.txt"
    notice.write_text("Avis", encoding="utf-8")
    fails(
        network(*CREATE_R2, "--notice", f"fr={notice}"),
        "privacy notice: 'fr' is not a language of this questionnaire (de, en)",
    )
    fails(
        network(*CREATE_R2, "--notice", "de"),
        "--notice: 'de' is not LANG=FILE, such as de=notice-de.txt",
    )
    fails(
        network(*CREATE_R2, "--group", "schools", "--group", "schools"),
        "stakeholder group 'schools' is given twice",
    )
    fails(
        network(*CREATE_R2, "--group", "schools:Schulen"),
        "--group: 'schools:Schulen' is not KEY:LANG=LABEL,LANG=LABEL, such as "
        "civil-society:de=Zivilgesellschaft,en=Civil society",
    )
    fails(
        network(*CREATE_R2, "--group", "schools:de=Schu\x07len"),
        "stakeholder group 'schools' label (de): contains the control character U+0007 at "
        "position 5; line breaks and tabs are not allowed here",
    )
    fails(
        network(*CREATE_R2, "--min-group-size", "0"),
        "minimum group size: 0 is not allowed here; use a whole number from 1 to 2147483647",
    )
    fails(
        network(*CREATE_R2, "--opens", "2027-02-01", "--closes", "2027-01-31"),
        "a round must close after it opens",
    )
    assert network("rounds", "list", "net").stdout.strip() == "Baseline\t1.0\topen\tcloses -"
    fails(
        network(*CREATE_R2, "--closes", "2020-01-31"),
        "the closing day must lie in the future",
    )


def test_rounds_extend_and_reopen(network: Radar, engine: Engine) -> None:
    assert network("rounds", "extend", "net", "Baseline", "--closes", "2999-01-31").exit_code == 0
    assert network("rounds", "close", "net", "Baseline").exit_code == 0
    fails(
        network("rounds", "extend", "net", "Baseline", "--closes", "2999-02-28"),
        "round 'Baseline' is closed: reopen it, with a reason, to accept answers again",
    )
    fails(
        network("rounds", "reopen", "net", "Baseline", "--reason", ""),
        "reason: must not be empty",
    )
    reopened = network("rounds", "reopen", "net", "Baseline", "--reason", "late partner")
    assert reopened.exit_code == 0, reopened.output
    listed = network("rounds", "list", "net").stdout.strip()
    assert listed == "Baseline\t1.0\topen\tcloses 2999-01-31"
    with Session(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "round.reopen")).one()
    assert event.detail["reason"] == "late partner"


def test_printed_links_use_the_port_the_server_was_started_with(
    network: Radar, cli_env: Settings
) -> None:
    """``RADAR_PORT=8123`` in the server's environment only: the CLI's links still name 8123,
    as the server's own (recorded when ``radar serve`` starts); ``RADAR_BASE_URL`` wins."""
    server = cli_env.model_copy(update={"host": "0.0.0.0", "port": 8123})
    links.record_bind_address(server)
    printed = network("invite", "net", "Baseline", "Saxony")
    assert printed.exit_code == 0, printed.output
    assert printed.stdout.startswith("http://localhost:8123/r/")
    assert links.public_base_url(cli_env) == "http://localhost:8123"
    proxied = cli_env.model_copy(update={"base_url": "https://radar.example.eu/"})
    assert links.public_base_url(proxied) == "https://radar.example.eu"
