"""Helpers shared by the command groups: settings, engine, units of work, output, input.

Each command is one unit of work (:func:`app.db.unit_of_work`): :func:`write_session` commits
once when its block ends and rolls back wholly on an error; :func:`read_session` never takes
SQLite's write lock, so listing works while another process writes. Print what a command did
after its block, when it has been committed.

Every line the CLI prints goes through :func:`say` or :func:`say_row`: names and texts come
from users and definition authors, and a line break, a terminal escape sequence or a
bidirectional override in a name must not break a line, forge one (``error: ...``) or recolour
the terminal. Such characters are shown escaped, as Python writes them (``\\n``, ``\\x1b``).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.core import TyperGroup

from app import links
from app.db import make_engine, unit_of_work
from app.errors import AppError
from app.main import create_app
from app.settings import Settings, get_settings
from app.startup import StartupError, check_reachable
from scoring import shorten

_SURROGATE = re.compile("[\ud800-\udfff]")

# C0 and C1 controls, DEL, line and paragraph separators, bidirectional embeddings and isolates
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(value: object) -> str:
    """``value`` as text whose control characters are shown escaped (one line, no effects)."""
    return _CONTROL.sub(_escaped, str(value))


def say(message: object, *, err: bool = False) -> None:
    """Print one line (to stderr with ``err``), control characters escaped."""
    typer.echo(printable(message), err=err)


def say_json(data: object) -> None:
    """Print ``data`` as indented JSON in ASCII: every control or non-ASCII character inside a
    string is a JSON escape, so no value can break or forge a line."""
    for line in json.dumps(data, indent=2, ensure_ascii=True).splitlines():
        say(line)


def say_row(*fields: object) -> None:
    """Print one tab-separated line; each field's own tabs and line breaks are escaped."""
    typer.echo("\t".join(printable(field) for field in fields))


@contextmanager
def progress(total: int, description: str) -> Iterator[Callable[[int], None]]:
    """A progress bar of ``total`` steps while the block runs, on a terminal only (stdout is a
    TTY): piped or in a script, the output stays the lines :func:`say` prints. Yields the
    function that advances it; the bar disappears when the block ends. ``description`` is
    the program's own text (no user input)."""
    if not sys.stdout.isatty():
        yield lambda _steps: None
        return
    bar = Progress(
        TextColumn(description),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
    )
    task = bar.add_task(description, total=total)
    with bar:
        yield lambda steps: bar.advance(task, steps)


def fail(message: str) -> typer.Exit:
    """Print one line ``error: message`` to stderr and return the exit to raise."""
    say(f"error: {message}", err=True)
    return typer.Exit(code=1)


def engine_for(settings: Settings | None = None) -> Engine:
    settings = settings or get_settings()
    if settings.is_sqlite and not settings.database_url:
        settings.ensure_data_dir()
    engine = make_engine(settings.effective_database_url)
    try:
        check_reachable(engine)
    except StartupError as exc:
        raise fail(str(exc)) from None
    return engine


def public_links(settings: Settings) -> Callable[..., str]:
    """``link(name, **params)``: absolute links by route name, as the pages build them.

    The CLI has no request: the app's routes give the path, :func:`app.links.public_base_url`
    the base (``RADAR_BASE_URL``, else the bind address ``radar serve`` recorded, else
    ``RADAR_HOST`` and ``RADAR_PORT``).
    """
    application = create_app(settings)
    application.state.engine.dispose()  # only the routes are needed
    return partial(links.public_link, settings, application)


class CheckedArguments(TyperGroup):
    """The ``radar`` command group: an argument that is not valid UTF-8 stops every command
    with one line before it runs (Python hands such bytes over as lone surrogates, which no
    database driver can encode)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        for argument in args:
            if _SURROGATE.search(argument):
                raw = argument.encode("utf-8", "surrogateescape")
                raise fail(f"argument {shorten(raw)} is not valid UTF-8")
        return super().parse_args(ctx, args)


def read_text_file(option: str, path: Path, max_characters: int) -> str:
    """A UTF-8 text file given on the command line, read no further than the longest text
    that may be stored from it; a problem exits with one line naming the option."""
    try:
        with path.open("rb") as source:
            raw = source.read(4 * max_characters + 1)  # a character is at most 4 bytes
    except OSError as exc:
        raise fail(f"{option}: cannot read {shorten(str(path))}: {exc.strerror}") from None
    if len(raw) > 4 * max_characters:  # then it holds more than max_characters characters
        raise fail(f"{option}: longer than {max_characters} characters")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(f"{option}: not valid UTF-8 text (byte {exc.start + 1})") from None
    return text  # what else a text must be, the service that stores it checks


@contextmanager
def _unit(engine: Engine | None, *, write: bool) -> Iterator[Session]:
    try:
        with unit_of_work(engine or engine_for(), write=write) as session:
            yield session
    except AppError as exc:
        raise fail(exc.detail) from None


def write_session(engine: Engine | None = None) -> AbstractContextManager[Session]:
    """The command's writing unit of work; domain errors become one line and exit code 1."""
    return _unit(engine, write=True)


def read_session(engine: Engine | None = None) -> AbstractContextManager[Session]:
    """The command's reading unit of work; domain errors become one line and exit code 1."""
    return _unit(engine, write=False)
