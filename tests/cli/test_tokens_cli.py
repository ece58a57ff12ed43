"""``radar tokens create/list/revoke``: the token printed once, alone on stdout."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.db_types import utcnow
from app.models import ApiToken, AuditEvent
from tests.cli.helpers import Radar, fails


def test_create_list_and_revoke(radar: Radar, engine: Engine) -> None:
    assert radar("projects", "create", "net", "--name", "Network").exit_code == 0
    options = ("--scopes", "responses:write,results:read", "--expires", "2999-12-31")
    made = radar("tokens", "create", "--project", "net", "--name", "Portal", *options)
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip()
    assert secret.startswith("radar_")
    assert "shown only this once" in made.stderr
    listed = radar("tokens", "list", "--project", "net").stdout.splitlines()
    assert listed == [
        f"1\tPortal\t{secret[:14]}…\tresponses:write,results:read\t"
        f"created {utcnow().date().isoformat()}\texpires 2999-12-31\t"
        "last used -\tactive"
    ]
    assert secret not in "\n".join(listed)
    revoked = radar("tokens", "revoke", "1")
    assert revoked.stdout == f"token 1 ({secret[:14]}…) revoked\n"
    assert radar("tokens", "list", "--project", "net").stdout.rstrip().endswith("\trevoked")
    with Session(engine) as session:
        assert session.exec(select(ApiToken)).one().revoked_at is not None
        actions = session.exec(select(AuditEvent.action)).all()
    assert {"api_token.create", "api_token.revoke"} <= set(actions)


def test_bad_input_fails_with_one_line(radar: Radar) -> None:
    assert radar("projects", "create", "net", "--name", "Network").exit_code == 0
    fails(
        radar("tokens", "create", "--project", "net", "--name", "x", "--scopes", "all"),
        "unknown scope 'all'; allowed: questionnaires:read, responses:write, results:read, "
        "exports:read, project:admin",
    )
    fails(
        radar("tokens", "create", "--project", "nope", "--name", "x", "--scopes", "results:read"),
        "no project 'nope'",
    )
    late = ("--scopes", "results:read", "--expires", "tomorrow")
    fails(
        radar("tokens", "create", "--project", "net", "--name", "x", *late),
        "--expires: 'tomorrow' is not a date such as 2027-01-31",
    )
    fails(radar("tokens", "revoke", "7"), "no API token 7")


def test_expiry_is_the_last_day_in_the_services_time_zone(radar: Radar, engine: Engine) -> None:
    """``--expires 2027-12-31`` works through 31 December in Berlin and is listed as that day
    (it used to be stored as 1 January 00:00 UTC and listed as 2028-01-01)."""
    assert radar("projects", "create", "net", "--name", "Network").exit_code == 0
    options = ("--scopes", "results:read", "--expires", "2027-12-31")
    assert radar("tokens", "create", "--project", "net", "--name", "x", *options).exit_code == 0
    assert "\texpires 2027-12-31\t" in radar("tokens", "list", "--project", "net").stdout
    with Session(engine) as session:
        expires_at = session.exec(select(ApiToken.expires_at)).one()
    assert expires_at == datetime(2027, 12, 31, 23, 0, tzinfo=UTC)  # midnight in Berlin


def test_all_projects_makes_a_cross_project_token(radar: Radar, engine: Engine) -> None:
    assert radar("projects", "create", "net", "--name", "Network").exit_code == 0
    made = radar(
        "tokens", "create", "--all-projects", "--name", "Warehouse", "--scopes", "results:read"
    )
    assert made.exit_code == 0, made.output
    assert "for every project" in made.stderr
    assert radar("tokens", "list", "--project", "net").stdout == ""
    listed = radar("tokens", "list", "--all-projects").stdout.splitlines()
    assert len(listed) == 1
    assert "\tWarehouse\t" in listed[0]
    with Session(engine) as session:
        assert session.exec(select(ApiToken.project_id)).one() is None
    both = ("--project", "net", "--all-projects", "--name", "x", "--scopes", "results:read")
    fails(radar("tokens", "create", *both), "name either --project SLUG or --all-projects")
    fails(radar("tokens", "list"), "name either --project SLUG or --all-projects")
