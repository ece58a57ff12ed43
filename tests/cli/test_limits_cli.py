"""Command-line input the tables cannot hold: one ``error:`` line, exit 1, nothing stored, the
same on SQLite and PostgreSQL (issue 8.1: lengths, control characters, invalid UTF-8, integer
and date ranges, privacy-notice files, lookups of names that cannot exist)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app.settings import PROJECT_ROOT
from tests.cli import test_projects_cli
from tests.cli.helpers import Radar, fails

network = test_projects_cli.network  # project 'net', organisation 'Saxony', round 'Baseline'
ROUND = ("rounds", "create", "net", "R2", "--questionnaire", "mini", "--version", "1.0")
INVITE = ("invite", "net", "Baseline", "Saxony")


def _nothing_added(network: Radar) -> None:
    assert network("projects", "list").stdout.splitlines() == ["net\tNetwork\tmin group 3"]
    assert network("organisations", "list", "net").stdout.splitlines() == ["Saxony\tDE\tregion"]
    assert network("rounds", "list", "net").stdout.splitlines() == ["Baseline\t1.0\topen\tcloses -"]
    assert network("invitations", "list", "net", "Baseline").stdout == ""


LONG = [
    (
        ("projects", "create", "p2", "--name", "x" * 201),
        "project name: 201 characters, at most 200 allowed",
    ),
    (
        ("projects", "create", "p" * 65, "--name", "P"),
        "project slug: 65 characters, at most 64 allowed",
    ),
    (("projects", "create", "p2", "--name", " "), "project name: must not be empty"),
    (
        ("organisations", "add", "net", "x" * 201),
        "organisation name: 201 characters, at most 200 allowed",
    ),
    (
        ("organisations", "add", "net", "Bremen", "--kind", "k" * 33),
        "organisation kind: 33 characters, at most 32 allowed",
    ),
    (
        ("organisations", "add", "net", "Bremen", "--country", "ÄÖ"),
        "country 'ÄÖ' is not a two-letter code such as DE",
    ),
    (
        ("rounds", "create", "net", "r" * 201, *ROUND[4:]),
        "round name: 201 characters, at most 200 allowed",
    ),
    (
        (*ROUND, "--notice-version", "v" * 33),
        "notice version: 33 characters, at most 32 allowed",
    ),
    ((*INVITE, "--label", "l" * 201), "label: 201 characters, at most 200 allowed"),
    (
        (*INVITE, "--group", "g" * 101),
        "stakeholder group: 101 characters, at most 100 allowed",
    ),
]


def test_texts_longer_than_their_column(network: Radar) -> None:
    for args, message in LONG:
        fails(network(*args), message)
    _nothing_added(network)


LINE = "line breaks and tabs are not allowed here"


CONTROL = [
    (
        ("projects", "create", "p2", "--name", "a\x00b"),
        f"project name: contains the control character U+0000 at position 2; {LINE}",
    ),
    (
        ("projects", "create", "p\n2", "--name", "P"),
        f"project slug: contains the control character U+000A at position 2; {LINE}",
    ),
    (
        ("organisations", "add", "net", "Region\nA"),
        f"organisation name: contains the control character U+000A at position 7; {LINE}",
    ),
    (
        ("organisations", "add", "net", "Bremen", "--kind", "city\r"),
        f"organisation kind: contains the control character U+000D at position 5; {LINE}",
    ),
    (
        ("rounds", "create", "net", "Base\tline", *ROUND[4:]),
        f"round name: contains the control character U+0009 at position 5; {LINE}",
    ),
    (
        (*INVITE, "--label", "x\x1b[2J"),
        f"label: contains the control character U+001B at position 2; {LINE}",
    ),
    (
        (*INVITE, "--group", "ngo\x85"),
        f"stakeholder group: contains the control character U+0085 at position 4; {LINE}",
    ),
]


def test_control_characters_in_names(network: Radar) -> None:
    for args, message in CONTROL:
        fails(network(*args), message)
    _nothing_added(network)


NOT_UTF8 = [
    ("projects", "create", "a\udcffb", "--name", "P"),
    ("projects", "create", "p2", "--name", "a\udcffb"),
    ("organisations", "list", "a\udcffb"),
    ("organisations", "add", "net", "a\udcffb"),
    ("invite", "net", "Baseline", "a\udcffb"),
    ("questionnaires", "retire", "a\udcffb", "1.0"),
    ("rounds", "create", "net", "R2", "--questionnaire", "a\udcffb", "--version", "1.0"),
]


def test_arguments_that_are_not_utf8(network: Radar) -> None:
    for args in NOT_UTF8:
        fails(network(*args), "argument b'a\\xffb' is not valid UTF-8")
    _nothing_added(network)


def test_invalid_utf8_from_a_real_shell_is_one_line(tmp_path: Path) -> None:
    """Python hands undecodable argv bytes over as surrogates; they never reach a driver."""
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "organisations", "add", "net", b"Sk\xe5ne"],
        env={"RADAR_DATA_DIR": str(tmp_path), "PATH": "", "LC_ALL": "C.UTF-8"},
        capture_output=True,
        timeout=60,
        cwd=PROJECT_ROOT,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.decode() == "error: argument b'Sk\\xe5ne' is not valid UTF-8\n"


INTEGERS = [
    (
        ("projects", "create", "p2", "--name", "P", "--min-group-size", "2147483648"),
        "minimum group size: 2147483648 is not allowed here; "
        "use a whole number from 1 to 2147483647",
    ),
    (
        ("projects", "create", "p2", "--name", "P", "--min-group-size", "0"),
        "minimum group size: 0 is not allowed here; use a whole number from 1 to 2147483647",
    ),
    (
        (*INVITE, "--multi-use", "--max-uses", "2147483648"),
        "use limit: 2147483648 is not allowed here; use a whole number from 1 to 2147483647",
    ),
    (
        ("invitations", "revoke", "net", "Baseline", "99999999999999999999"),
        "round 'Baseline' has no invitation 99999999999999999999",
    ),
]


def test_integers_beyond_the_column(network: Radar) -> None:
    for args, message in INTEGERS:
        fails(network(*args), message)
    _nothing_added(network)


DATES = [
    (
        (*ROUND, "--closes", "9999-12-31"),
        "--closes: 9999-12-31 is outside the years 2000 to 2999",
    ),
    (
        (*ROUND, "--opens", "1999-12-31"),
        "--opens: 1999-12-31 is outside the years 2000 to 2999",
    ),
    (
        (*ROUND, "--opens", "0001-01-01T00:00+05:00"),
        "--opens: 0001-01-01 is outside the years 2000 to 2999",
    ),
    (
        (*INVITE, "--expires", "9999-12-31"),
        "--expires: 9999-12-31 is outside the years 2000 to 2999",
    ),
]


def test_dates_outside_the_years_2000_to_2999(network: Radar) -> None:
    for args, message in DATES:
        fails(network(*args), message)
    _nothing_added(network)


def test_the_last_day_of_the_range_is_accepted(network: Radar) -> None:
    assert network(*ROUND, "--closes", "2999-12-31").exit_code == 0
    assert network(*INVITE, "--expires", "2999-12-31").exit_code == 0


NOTICES = [
    (
        b"a\x00b",
        "privacy notice (en): contains the control character U+0000 at position 2; "
        "only tabs and line breaks are allowed",
    ),
    (b"a\xffb", "--privacy-notice: not valid UTF-8 text (byte 2)"),
    (b"x" * 20_001, "privacy notice (en): 20001 characters, at most 20000 allowed"),
    (b"x" * 1_000_000, "--privacy-notice: longer than 20000 characters"),
]


def test_privacy_notice_files(network: Radar, tmp_path: Path) -> None:
    notice = tmp_path / "notice.txt"
    for content, message in NOTICES:
        notice.write_bytes(content)
        fails(network(*ROUND, "--privacy-notice", str(notice)), message)
    _nothing_added(network)


def test_a_notice_keeps_its_lines_and_tabs(network: Radar, tmp_path: Path) -> None:
    notice = tmp_path / "notice.txt"
    notice.write_text("Privacy\n\n\tContact: dpo@example.org\r\n" + "é" * 19_000, encoding="utf-8")
    assert network(*ROUND, "--privacy-notice", str(notice)).exit_code == 0


MISSING = [
    (("organisations", "list", "a\x00"), "no project 'a\\x00'"),
    (("organisations", "list", "p" * 300), f"no project {'p' * 60 + '…'!r} (300 characters)"),
    (
        ("invite", "net", "Baseline", "x" * 300),
        f"project 'net' has no organisation {'x' * 60 + '…'!r} (300 characters)",
    ),
    (
        ("invite", "net", "Baseline", "Sax\x00ny"),
        "project 'net' has no organisation 'Sax\\x00ny'",
    ),
    (("rounds", "close", "net", "r\x00"), "project 'net' has no round 'r\\x00'"),
    (
        ("questionnaires", "retire", "mini", "1.0\x00"),
        "no version '1.0\\x00' of questionnaire 'mini'",
    ),
    (
        ("rounds", "create", "net", "R2", "--questionnaire", "m\x00", "--version", "1.0"),
        "no questionnaire 'm\\x00'",
    ),
    (("scores", "rebuild", "--questionnaire", "m\x00"), "no questionnaire 'm\\x00'"),
]


def test_names_that_cannot_exist_are_not_found(network: Radar) -> None:
    for args, message in MISSING:
        fails(network(*args), message)


def test_serve_refuses_a_port_beyond_65535(radar: Radar) -> None:
    fails(radar("serve", "--port", "70000"), "--port: 70000 is not a port number from 1 to 65535")
