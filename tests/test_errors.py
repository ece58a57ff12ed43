"""The one error hierarchy: unique problem types, drawn in its docstring, words for every face."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import pkgutil
import re

import pytest

import app.services
from app import errors
from app.errors import NO_ROUND_ID, AppError, NotFound
from app.i18n import Localizer, Message
from app.services import paging, report_links
from app.settings import PROJECT_ROOT


def _every_error_class() -> list[type[AppError]]:
    for module in pkgutil.walk_packages(app.services.__path__, "app.services."):
        importlib.import_module(module.name)  # services define errors of their own

    def below(cls: type[AppError]) -> list[type[AppError]]:
        return [cls, *(s for sub in cls.__subclasses__() for s in below(sub))]

    return [cls for cls in below(AppError) if not cls.__module__.startswith("tests.")]


def test_walk_finds_the_errors_that_services_define() -> None:
    names = {cls.__name__ for cls in _every_error_class()}
    assert {"StaleRevision", "RoundClosed", "InvitationInvalid", "RoundNotOpen"} <= names


def test_each_class_has_a_problem_type_of_its_own() -> None:
    owners: dict[str, str] = {}
    for cls in _every_error_class():
        slug = cls.__dict__.get("type_slug")
        assert slug is not None, f"{cls.__qualname__} inherits the type of its parent"
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", slug), slug
        assert slug not in owners, f"{cls.__qualname__} repeats {slug!r} of {owners[slug]}"
        owners[slug] = cls.__qualname__


def test_the_docstring_draws_every_class() -> None:
    drawn = errors.__doc__ or ""
    for cls in _every_error_class():
        line = next((row for row in drawn.splitlines() if f" {cls.__name__} " in row), None)
        assert line is not None, f"{cls.__name__} is missing from app.errors' tree"
        assert cls.type_slug in line, f"{cls.__name__}: the tree shows another type"
        if cls is not errors.HttpError:
            assert str(cls.status_code) in line, f"{cls.__name__}: the tree shows another status"


def test_every_503_says_when_to_retry() -> None:
    for cls in _every_error_class():
        if cls.status_code == 503:
            assert cls.retry_after is not None, cls.__name__
    assert errors.HttpError(503, "down").retry_after == errors.RETRY_AFTER_SECONDS
    assert errors.HttpError(502, "bad gateway").retry_after is None


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, AppError),
        (404, errors.NotFound),
        (405, errors.MethodNotAllowed),
        (418, errors.HttpError),
    ],
)
def test_a_bare_status_finds_its_class(status: int, kind: type[AppError]) -> None:
    error = errors.error_for_status(status, "detail")
    assert type(error) is kind
    assert error.status_code == status


def _error_messages(package: str) -> list[tuple[str, str]]:
    """Strings in ``raise`` statements, in ``*MESSAGE`` constants and in catalogue messages
    (``N_(...)``, what errors are raised with) of a package's modules."""
    found = []
    module = importlib.import_module(package)
    for info in pkgutil.walk_packages(module.__path__, f"{package}."):
        spec = importlib.util.find_spec(info.name)
        assert spec is not None
        assert spec.origin is not None
        with open(spec.origin, encoding="utf-8") as source:
            tree = ast.parse(source.read())
        roots: list[ast.AST] = [node for node in ast.walk(tree) if isinstance(node, ast.Raise)]
        roots += [
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id.endswith("MESSAGE") for t in node.targets)
        ]
        roots += [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "N_"
        ]
        found += [
            (info.name, node.value)
            for root in roots
            for node in ast.walk(root)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        ]
    return found


def test_error_messages_speak_no_command_line_words() -> None:
    """Services and errors serve the web, the API and the CLI: no option names or commands."""
    cli_words = re.compile(r"(^|\s)--[a-z]|\bradar [a-z]+")
    messages = _error_messages("app.services") + _error_messages("app.web")
    assert len(messages) > 20
    assert not [(module, text) for module, text in messages if cli_words.search(text)]


def test_the_base_error_keeps_detail_and_extra() -> None:
    error = errors.Conflict("project 'x' already exists", slug="x")
    assert (str(error), error.detail, error.extra) == (
        "project 'x' already exists",
        error.detail,
        {"slug": "x"},
    )


TRANSLATED = (errors.NotFound, errors.Conflict, errors.InvalidInput)
"""Errors whose details pages may show, and every subclass of them (``NotComparable``,
``LinkNotInRound``, ...): raised with a :class:`~app.i18n.Message` only."""


def _translated_names() -> frozenset[str]:
    return frozenset(c.__name__ for c in _every_error_class() if issubclass(c, TRANSLATED))


def test_the_scan_covers_the_subclasses_services_define() -> None:
    assert {"NotComparable", "LinkNotInRound", "RoundsNotComparable"} <= _translated_names()


def _formatted_details() -> list[str]:
    """Calls of a :data:`TRANSLATED` error in app/ whose detail is a formatted string (an
    f-string, ``%`` or ``.format``) or a plain literal, rather than a
    :class:`~app.i18n.Message`."""
    translated = _translated_names()
    found = []
    for path in sorted((PROJECT_ROOT / "app").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            first = node.args[0]
            formatted = isinstance(first, ast.JoinedStr | ast.BinOp | ast.Constant) or (
                isinstance(first, ast.Call) and getattr(first.func, "attr", None) == "format"
            )
            if name in translated and formatted:
                found.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    return found


def test_details_pages_may_show_are_translatable_messages() -> None:
    assert _formatted_details() == []
    with pytest.raises(TypeError, match="takes a Message"):
        NotFound(f"no round {12}")  # type: ignore[arg-type]
    assert str(NotFound(Message(NO_ROUND_ID, id="12"))) == "no round 12"
    german = Localizer.for_language("de")
    assert german.message(Message(NO_ROUND_ID, id="12")) == "keine Runde 12"


def test_a_conflict_reads_in_english_for_the_api_and_translated_on_pages() -> None:
    """The report link's refusal: the same English detail as before for problem+json and the
    CLI, the page's language on pages."""
    revoked = errors.Conflict(Message(report_links.REVOKED_ON, id="7", day="2027-01-31"))
    assert revoked.detail == "report link 7 was revoked on 2027-01-31"
    german = Localizer.for_language("de")
    assert german.message(revoked.message) == "Berichtslink 7 wurde am 2027-01-31 widerrufen"
    window = errors.InvalidInput(Message(paging.OFFSET_RANGE, most=paging.MAX_OFFSET))
    assert window.detail == "offset must be between 0 and 2147483647"
    assert german.message(window.message) == "offset muss zwischen 0 und 2.147.483.647 liegen"
