"""``radar users``: accounts from the command line; the password never comes from argv."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from app import cli
from app.models import User, WebSession
from app.services import accounts
from app.settings import Settings
from tests.cli.helpers import fails

PASSWORD = "correct horse battery"


def _radar(*args: str, stdin: str = "") -> object:
    return CliRunner().invoke(cli.app, list(args), input=stdin, catch_exceptions=False)


def test_create_reads_the_password_from_stdin(cli_env: Settings, session: Session) -> None:
    created = _radar(
        "users", "create", "Ana@Example.org", "--admin", "--name", "Ana", stdin=PASSWORD + "\n"
    )
    assert created.exit_code == 0, created.output  # type: ignore[attr-defined]
    assert created.stdout == "account ana@example.org created (admin)\n"  # type: ignore[attr-defined]
    user = session.exec(select(User)).one()
    assert accounts.authenticate(session, "ana@example.org", PASSWORD).id == user.id
    listed = _radar("users", "list")
    assert listed.stdout == "ana@example.org\tAna\tadmin\tactive\n"  # type: ignore[attr-defined]


def test_create_refuses_a_short_or_missing_password(cli_env: Settings) -> None:
    fails(
        _radar("users", "create", "a@b.org", stdin="short\n"),  # type: ignore[arg-type]
        "password: needs 12 to 256 characters",
    )
    fails(
        _radar("users", "create", "a@b.org"),  # type: ignore[arg-type]
        "no password on standard input",
    )


def test_disable_ends_sessions_and_reset_link_is_shown_once(
    cli_env: Settings, engine: Engine
) -> None:
    _radar("users", "create", "ana@example.org", stdin=PASSWORD + "\n")
    link = _radar("users", "reset-link", "ana@example.org")
    lines = link.stdout.splitlines()  # type: ignore[attr-defined]
    assert lines[0].startswith("password link for ana@example.org (shown only now")
    token = lines[1].rsplit("/", 1)[1]
    assert lines[1].startswith("http://127.0.0.1:8000/login/reset/")
    with Session(engine) as session:
        assert accounts.find_by_reset_token(session, token).email == "ana@example.org"
    disabled = _radar("users", "disable", "ana@example.org")
    assert disabled.stdout == "account ana@example.org disabled, 0 session(s) ended\n"  # type: ignore[attr-defined]
    assert _radar("users", "list").stdout.endswith("\tdisabled\n")  # type: ignore[attr-defined]
    with Session(engine) as session:
        assert session.exec(select(WebSession)).all() == []
    fails(
        _radar("users", "disable", "nobody@example.org"),  # type: ignore[arg-type]
        "no account 'nobody@example.org'",
    )
