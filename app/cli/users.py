"""``radar users``: facilitator and admin accounts.

A password never comes from the command line (it would stay in the shell history and the
process list): ``create`` asks for it at a terminal, or reads one line from standard input
(``printf '%s\\n' "$PASSWORD" | radar users create ...``).
"""

from __future__ import annotations

import sys

import typer

from app.cli.common import fail, public_links, read_session, say, say_row, write_session
from app.services import accounts
from app.settings import get_settings

app = typer.Typer(help="Facilitator and admin accounts.", no_args_is_help=True)


def read_password() -> str:
    """The new password: prompted twice at a terminal, else the first line of stdin."""
    if sys.stdin.isatty():
        entered: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        return entered
    line = sys.stdin.readline()
    if not line:
        raise fail("no password on standard input")
    return line.rstrip("\r\n")


@app.command()
def create(
    email: str = typer.Argument(..., help="E-mail address, used to log in"),
    name: str = typer.Option("", "--name", help="Display name (default: the address)"),
    admin: bool = typer.Option(False, "--admin", help="May manage accounts and every project"),
) -> None:
    """Create an account; the password is asked for (or read from standard input)."""
    password = read_password()
    with write_session() as session:
        user = accounts.create_user(session, email, password, display_name=name, admin=admin)
    say(f"account {user.email} created ({user.role!s})")


@app.command("list")
def list_() -> None:
    """List accounts: address, name, role, active or disabled."""
    with read_session() as session:
        for user in accounts.list_users(session):
            say_row(
                user.email,
                user.display_name,
                str(user.role),
                "active" if user.is_active else "disabled",
            )


@app.command()
def disable(email: str = typer.Argument(..., help="E-mail address")) -> None:
    """Disable an account; its sessions end at once."""
    with write_session() as session:
        ended = accounts.disable_user(session, accounts.get_user(session, email))
    say(f"account {accounts.normalise_email(email)} disabled, {ended} session(s) ended")


@app.command("reset-link")
def reset_link(email: str = typer.Argument(..., help="E-mail address")) -> None:
    """Make a one-time link that sets a new password (shown only now)."""
    settings = get_settings()
    link = public_links(settings)
    with write_session() as session:
        token = accounts.issue_reset_link(session, accounts.get_user(session, email))
    say(
        f"password link for {accounts.normalise_email(email)} (shown only now, valid "
        f"{int(accounts.RESET_LINK_LASTS.total_seconds() // 3600)} hours):"
    )
    say(link("facilitate.reset", token=token))
