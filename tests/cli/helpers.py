"""What the CLI tests share: the ``radar`` runner's type and the one-line failure check."""

from __future__ import annotations

from collections.abc import Callable

from typer.testing import Result

Radar = Callable[..., Result]
"""``radar(*args)``: runs the command line in-process (the ``radar`` fixture)."""


def fails(result: Result, message: str) -> None:
    """The command failed as the CLI promises: exit code 1 and one line ``error: message``
    on stderr, nothing on stdout."""
    assert result.exit_code == 1, result.output
    assert result.stderr == f"error: {message}\n"
    assert result.stdout == ""
