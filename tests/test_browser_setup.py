"""The README's test command passes on a fresh machine: without chromium the browser tests skip
with a visible reason; under CI they fail instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, require_chromium


def test_a_missing_chromium_skips_outside_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="need Debian's chromium"):
        require_chromium(str(tmp_path / "chromium"))


def test_a_missing_chromium_fails_under_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="under CI the browser tests must run"):
        require_chromium(str(tmp_path / "chromium"))


def test_a_file_that_cannot_run_is_no_chromium(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    not_executable = tmp_path / "chromium"
    not_executable.write_text("")
    with pytest.raises(pytest.skip.Exception):
        require_chromium(str(not_executable))


def test_an_installed_chromium_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no chromium at {CHROMIUM} on this machine")
    monkeypatch.setenv("CI", "true")
    assert require_chromium() == CHROMIUM
