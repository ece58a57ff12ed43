"""The CLI's progress bar: shown on a terminal only, never in piped output."""

from __future__ import annotations

import io
import sys

import pytest

from app.cli.common import progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_the_bar_advance(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = Terminal()
    monkeypatch.setattr(sys, "stdout", screen)
    with progress(10, "rescoring responses") as advance:
        advance(4)
        advance(6)
    shown = screen.getvalue()
    assert "rescoring responses" in shown
    assert "10/10" in shown


def test_piped_output_gets_no_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    piped = io.StringIO()
    monkeypatch.setattr(sys, "stdout", piped)
    with progress(10, "rescoring responses") as advance:
        advance(10)
    assert piped.getvalue() == ""
