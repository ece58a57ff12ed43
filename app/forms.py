"""Form bodies read strictly: a field whose bytes are not UTF-8 is refused, never mangled.

Starlette decodes an URL-encoded form with replacement, so bytes that are not UTF-8 (a
broken client, a copy from a file in another encoding) would be stored as U+FFFD without a
word. :func:`read_form` is the one way pages, their dependencies (CSRF, login throttling) and
their routes read a form: it checks every field's bytes first and refuses the post with
:class:`~app.errors.InvalidInput` (422) naming the first such field; the error page lists
what was sent, so nothing typed is lost. Multipart forms (the CSV upload) carry files, whose
bytes their readers check (:mod:`app.services.partner_import`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import unquote_to_bytes

from starlette.datastructures import FormData
from starlette.requests import Request

from app import limits
from app.errors import InvalidInput
from app.i18n import N_, Message
from scoring import shorten

URLENCODED = "application/x-www-form-urlencoded"
NOT_UTF8_FIELD = N_(
    "The field %(field)s holds characters that are not valid UTF-8 text, so nothing was "
    "saved. Please type it again."
)
HIDDEN_NUMBER = N_(
    "The form's hidden field %(field)s holds %(value)s, not the number this page put there, so "
    "nothing was saved. Please reload the page."
)
NOT_SHOWN = frozenset({"csrf_token"})
"""Fields the error page does not list (a secret token)."""


def _decoded(part: bytes) -> str | None:
    """An URL-encoded name or value as text, or None when its bytes are not UTF-8."""
    try:
        return unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return None


def not_utf8_field(body: bytes) -> str | None:
    """The name of the first field of an URL-encoded ``body`` whose name or value is not
    UTF-8 (undecodable bytes of the name shown as U+FFFD), or None."""
    for pair in body.split(b"&"):
        name, _, value = pair.partition(b"=")
        if _decoded(name) is None or _decoded(value) is None:
            return unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8", "replace")
    return None


async def read_form(request: Request) -> FormData:
    """The request's form (parsed once; Starlette keeps it); :class:`InvalidInput` naming the
    first field that is not UTF-8, with ``request.state.kept_form`` listing what was sent."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == URLENCODED:
        field = not_utf8_field(await request.body())
        if field is not None:
            form = await request.form()
            request.state.kept_form = [
                (name, value)
                for name, value in form.multi_items()
                if name not in NOT_SHOWN and isinstance(value, str) and value.strip()
            ]
            raise InvalidInput(Message(NOT_UTF8_FIELD, field=shorten(field)), field=field)
    return await request.form()


def hidden_number(value: str, name: str) -> int | None:
    """A hidden integer field as the page wrote it (a revision): None when missing (the
    caller decides what that means), else a whole number from 0 to what an ``INTEGER``
    column holds; anything else (letters, a sign, 20 digits) was never the page's, and is
    :class:`InvalidInput` naming the field, not a stale revision (409) nor a bare error."""
    text = value.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit() and len(text) <= len(str(limits.INT_MAX)):
        number = int(text)
        if number <= limits.INT_MAX:
            return number
    raise InvalidInput(Message(HIDDEN_NUMBER, field=name, value=shorten(text)), field=name)


_T = TypeVar("_T")
Problems = dict[str, Message | str]
"""A form's problems by field name, each shown beside its field and in the summary."""


def collect(problems: Problems, name: str, check: Callable[[], _T]) -> _T | None:
    """``check()``, or None with its :class:`InvalidInput` added to ``problems`` under field
    ``name`` (the first problem of a field wins), so a form reports every problem at once."""
    try:
        return check()
    except InvalidInput as problem:
        problems.setdefault(name, problem.message)
        return None


def refusal(problems: Problems) -> InvalidInput:
    """Every problem of a form at once: an :class:`InvalidInput` told by its first problem
    (for a log or a script), with all of them by field name in ``extra["form_problems"]``,
    which the page shows beside their fields and in its error summary."""
    return InvalidInput(next(iter(problems.values())), form_problems=problems)
