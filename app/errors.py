"""The one error hierarchy: every failure a caller can meet, with its HTTP status and problem type.

Services, dependencies and middleware raise these, never FastAPI's ``HTTPException``;
:mod:`app.problems` turns each into RFC 9457 ``application/problem+json`` (type
``/problems/<type_slug>``) or an error page, and the CLI prints ``error: <detail>``. So a
``detail`` must read well on every face: a sentence about the thing (no HTTP words, no
command-line options, no URLs). An error that a page may show is raised with an
:class:`app.i18n.Message` (a catalogue msgid and its values): ``detail`` is its English text
for the API and the CLI, ``message`` what pages translate (:meth:`app.i18n.Localizer.message`),
so a German page never shows an English sentence and numbers follow one rule (plain in the API
and CLI, the locale's format on pages). ``extra`` holds machine-readable fields (the answer
problems, the current revision, the languages offered) returned as they are.

The tree (status, type); classes defined in services are marked with their module::

    AppError                      400 bad-request
    ├── UntrustedHost             400 untrusted-host           (a Host header not served)
    ├── MalformedJson             400 malformed-json           (not JSON, or nested too deep)
    ├── Unauthorized              401 unauthorized             (WWW-Authenticate)
    │   ├── InvalidToken          401 invalid-token            (an unknown or ended API token)
    │   ├── LoginRequired         401 login-required           (pages: a redirect to log in)
    │   └── InvalidCredentials    401 invalid-credentials      (services.accounts)
    ├── Forbidden                 403 forbidden
    │   └── InsufficientScope     403 insufficient-scope       (the token lacks the scope)
    ├── NotFound                  404 not-found
    │   ├── LanguageNotOffered    404 language-not-offered
    │   ├── InvitationInvalid     404 invitation-invalid       (services.invitations)
    │   └── ResetLinkInvalid      404 reset-link-invalid       (services.accounts)
    ├── MethodNotAllowed          405 method-not-allowed
    ├── Conflict                  409 conflict
    │   ├── ConflictingData       409 conflicting-data         (a database IntegrityError)
    │   ├── RoundNotOpen          409 round-not-open           (services.invitations)
    │   ├── RoundNotAccepting     409 round-not-accepting      (services.api_responses)
    │   ├── StartedOnPages        409 started-on-pages         (services.response_intake)
    │   ├── NotComparable         409 not-comparable           (services.cohort)
    │   ├── RoundsNotComparable   409 rounds-not-comparable    (services.round_change)
    │   ├── RoundChanged          409 round-changed            (services.rounds)
    │   └── StaleRevision         409 stale-revision           (services.responses)
    ├── Gone                      410 gone
    │   └── RoundClosed           410 round-closed             (services.invitations)
    ├── RevisionMismatch          412 revision-mismatch        (If-Match names an old revision)
    ├── PayloadTooLarge           413 payload-too-large
    ├── InvalidInput              422 invalid-input
    │   ├── InvalidAnswers        422 invalid-answers
    │   ├── ImportRefused         422 import-refused           (services.partner_import)
    │   ├── IdempotencyKeyReused  422 idempotency-key-reused   (services.idempotency)
    │   ├── LinkNotInRound        422 link-not-in-round        (services.invitations)
    │   └── ValueNotStorable      422 value-not-storable       (a database DataError)
    ├── PreconditionRequired      428 precondition-required    (If-Match is missing)
    ├── TooManyRequests           429 too-many-requests        (Retry-After)
    ├── InternalError             500 internal-error           (any unexpected exception)
    ├── DatabaseUnavailable       503 database-unavailable     (Retry-After)
    └── HttpError                 any http-error               (a framework's HTTP error)

Each class names a problem type of its own, and no two classes share one (a test walks every
subclass); one kind of problem told in other words is the same class with another ``detail``
(``RoundClosed`` for a link and for answers). Every 503 carries ``retry_after`` (seconds).
An error with a ``location`` is answered to a page request by a redirect there (303) instead
of an error page (a page that needs a login sends the browser to the login page); scripts
still get problem+json.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any, ClassVar, TypeVar

from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError

from app.i18n import N_, Message

RETRY_AFTER_SECONDS = 5
"""What a 503 asks clients to wait before trying again (the database is busy or restarting)."""

# Fixed details that pages show (translated there: app/translations).
TOO_LARGE_MESSAGE = N_(
    "What you sent is larger than this service accepts (at most %(size)s %(unit)s). Nothing "
    "was saved. Please go back and shorten long texts or send a smaller file."
)
UNTRUSTED_HOST_MESSAGE = N_("This service does not answer to the address this request names.")
INTERNAL_MESSAGE = N_("Something went wrong on the server. Please try again later.")
UNAVAILABLE_MESSAGE = N_(
    "The database is not reachable or busy, so nothing was saved. Please try again in a moment."
)
CONFLICTING_DATA_MESSAGE = N_(
    "Someone else changed the same data at the same moment, so nothing was saved. Please try again."
)
LOGIN_REQUIRED_MESSAGE = N_("Please log in to see this page.")
NOT_STORABLE_MESSAGE = N_("A value is too long, too large or not valid text, so nothing was saved.")

# "Not found" details: a NotFound carries a Message (never an f-string), so that a page in
# another language shows it translated; ids are passed as text (never grouped as numbers).
NO_EXPORT_JOB = N_("no export job %(id)s")
NO_ACCOUNT = N_("no account %(account)s")
NO_DRAFT_OF_INVITATION = N_("invitation %(id)s has no unsubmitted response")
NO_API_TOKEN = N_("no API token %(id)s")
NO_RESPONSE_ID = N_("no response %(id)s")
NO_ROUND_ID = N_("no round %(id)s")
NOT_IN_COHORT_ID = N_("no organisation %(id)s in this cohort")
NOT_PUBLISHED = N_("questionnaire %(slug)s is not published: load it first")
NO_INVITATION = N_("round %(round)s has no invitation %(number)s")
NO_QUESTIONNAIRE = N_("no questionnaire %(slug)s")
NO_VERSION = N_("no version %(version)s of questionnaire %(slug)s")
NO_ROUND_USES = N_("no round of this project uses %(slug)s %(version)s")
NO_ROUND_ON_VERSION = N_("no round %(id)s on this version")
NO_REPORT_LINK = N_("no such report link")
NO_PROJECT = N_("no project %(slug)s")
NO_ORGANISATION_OF = N_("project %(project)s has no organisation %(organisation)s")
NO_SUCH_PROJECT = N_("no such project")
NO_ORGANISATION_ID = N_("no organisation %(id)s")
NO_MEMBER = N_("project %(project)s has no member %(id)s")
NOT_OFFERED_IN = N_("language %(language)s is not offered; available: %(available)s")


class AppError(Exception):
    """Base of every error a caller sees; ``detail`` is one human sentence."""

    status_code: int = 400
    title: ClassVar[str] = "Bad request"
    type_slug: ClassVar[str] = "bad-request"
    retry_after: int | None = None
    location: str | None = None
    """Where a page request is redirected instead of seeing an error page (None: no redirect)."""

    def __init__(self, detail: str | Message, **extra: Any) -> None:
        super().__init__(str(detail))
        self.message: Message | str = detail
        """What pages show, translated (:meth:`app.i18n.Localizer.message`)."""
        self.detail = str(detail)
        self.extra = extra

    def headers(self) -> dict[str, str]:
        """HTTP headers that belong to this answer (``Retry-After``, a challenge)."""
        return {} if self.retry_after is None else {"Retry-After": str(self.retry_after)}


class UntrustedHost(AppError):
    """The request names a host (``Host`` header) this service does not answer to."""

    type_slug = "untrusted-host"

    def __init__(self) -> None:
        super().__init__(UNTRUSTED_HOST_MESSAGE)


class MalformedJson(AppError):
    """A JSON body that cannot be read: a syntax error, or nesting deeper than allowed."""

    title = "Malformed JSON"
    type_slug = "malformed-json"


class Unauthorized(AppError):
    """No credentials; the answer carries an RFC 6750 ``WWW-Authenticate: Bearer`` challenge."""

    status_code = 401
    title = "Authentication required"
    type_slug = "unauthorized"
    challenge: ClassVar[str] = 'Bearer realm="api"'

    def headers(self) -> dict[str, str]:
        return {**super().headers(), "WWW-Authenticate": self.challenge}


class InvalidToken(Unauthorized):
    """A token that is unknown, revoked or expired: one answer for all three."""

    title = "Invalid token"
    type_slug = "invalid-token"
    challenge = 'Bearer realm="api", error="invalid_token"'


class LoginRequired(Unauthorized):
    """A facilitator page without a live login: pages go to ``location`` (the login page, which
    returns here afterwards), scripts get 401."""

    type_slug = "login-required"

    def __init__(self, location: str) -> None:
        super().__init__(LOGIN_REQUIRED_MESSAGE)
        self.location = location


class Forbidden(AppError):
    status_code = 403
    title = "Forbidden"
    type_slug = "forbidden"


class InsufficientScope(Forbidden):
    """The token is valid but was not given the scope this operation needs (``required``)."""

    title = "Insufficient scope"
    type_slug = "insufficient-scope"

    def __init__(self, required: str, granted: list[str]) -> None:
        super().__init__(
            f"this token lacks the scope {required}", required=required, granted=granted
        )
        self.required = required

    def headers(self) -> dict[str, str]:
        challenge = f'Bearer realm="api", error="insufficient_scope", scope="{self.required}"'
        return {**super().headers(), "WWW-Authenticate": challenge}


class NotFound(AppError):
    """Nothing at this address, or nothing the caller may see. The detail is a
    :class:`~app.i18n.Message` (a catalogue msgid with its values), never a formatted string:
    a page in another language shows it translated (tests/test_errors.py scans for it)."""

    status_code = 404
    title = "Not found"
    type_slug = "not-found"

    def __init__(self, detail: Message, **extra: Any) -> None:
        if not isinstance(detail, Message):
            raise TypeError("NotFound takes a Message (translatable), not a formatted string")
        super().__init__(detail, **extra)


class LanguageNotOffered(NotFound):
    """A valid language code that this content has no texts in; ``available`` lists those."""

    title = "Language not offered"
    type_slug = "language-not-offered"

    def __init__(self, language: str, available: list[str]) -> None:
        super().__init__(
            Message(NOT_OFFERED_IN, language=repr(language), available=", ".join(available)),
            available=available,
        )


class MethodNotAllowed(AppError):
    status_code = 405
    title = "Method not allowed"
    type_slug = "method-not-allowed"


class Conflict(AppError):
    """A stale revision or a state that does not allow the change; nothing was written.
    Raised with a :class:`~app.i18n.Message`, as :class:`NotFound` (tests/test_errors.py)."""

    status_code = 409
    title = "Conflict"
    type_slug = "conflict"


class ConflictingData(Conflict):
    """The database refused a write against the data it holds (unique, foreign key): as a rule
    a concurrent change won the race after the checks passed, so trying again gives the
    right answer."""

    type_slug = "conflicting-data"

    def __init__(self) -> None:
        super().__init__(CONFLICTING_DATA_MESSAGE)


class Gone(AppError):
    """A link that was valid once: expired, revoked or a closed round."""

    status_code = 410
    title = "No longer available"
    type_slug = "gone"


class RevisionMismatch(AppError):
    """``If-Match`` names another revision than the stored one: nothing was written."""

    status_code = 412
    title = "Precondition failed"
    type_slug = "revision-mismatch"


class PreconditionRequired(AppError):
    """A change that must name the revision it replaces (``If-Match``) came without one."""

    status_code = 428
    title = "Precondition required"
    type_slug = "precondition-required"


class PayloadTooLarge(AppError):
    status_code = 413
    title = "Request too large"
    type_slug = "payload-too-large"

    def __init__(self, max_bytes: int) -> None:
        """``max_bytes``: the limit, named in the message in MB (or kB below 1 MB; decimal
        units, as file managers show sizes), in the page's number format."""
        size, unit = (
            (max_bytes / 1_000_000, "MB") if max_bytes >= 1_000_000 else (max_bytes / 1000, "kB")
        )
        message = Message(TOO_LARGE_MESSAGE, size=round(size, 1), unit=unit)
        super().__init__(message, max_bytes=max_bytes)


class InvalidInput(AppError):
    """A value that is wrong in itself; raised with a :class:`~app.i18n.Message`, as
    :class:`NotFound`, so a page shows it in its language (tests/test_errors.py). A form's
    refusal lists every problem by field in ``extra["form_problems"]`` (:mod:`app.forms`)."""

    status_code = 422
    title = "Invalid input"
    type_slug = "invalid-input"


WRONG_CHOICE = N_("%(field)s: %(problem)s")
_Chosen = TypeVar("_Chosen")


def choice(field: str, lookup: Callable[[], _Chosen]) -> _Chosen:
    """The object that a query parameter or form field ``field`` names, found by ``lookup``.

    One that is not found (another project's, or none at all) is a wrong value of that field:
    :class:`InvalidInput` (422) naming it with the lookup's own words, so a form can show it
    beside the field and keep what was typed. :class:`NotFound` (404) stays for objects in
    the path, where the address itself names nothing the caller may see. Either way nothing
    tells another project's id from an unknown one."""
    try:
        return lookup()
    except NotFound as missing:
        raise InvalidInput(
            Message(WRONG_CHOICE, field=field, problem=missing.message), field=field
        ) from None


class InvalidAnswers(InvalidInput):
    title = "Invalid answers"
    type_slug = "invalid-answers"


class ValueNotStorable(InvalidInput):
    """A value the database cannot hold (too long, out of range) that no check caught before."""

    type_slug = "value-not-storable"

    def __init__(self) -> None:
        super().__init__(NOT_STORABLE_MESSAGE)


class TooManyRequests(AppError):
    status_code = 429
    title = "Too many requests"
    type_slug = "too-many-requests"

    def __init__(self, detail: str, retry_after: int, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.retry_after = retry_after


class InternalError(AppError):
    """What an unexpected exception shows: no internals, never a traceback."""

    status_code = 500
    title = "Internal error"
    type_slug = "internal-error"

    def __init__(self) -> None:
        super().__init__(INTERNAL_MESSAGE)


class DatabaseUnavailable(AppError):
    status_code = 503
    title = "Service unavailable"
    type_slug = "database-unavailable"
    retry_after = RETRY_AFTER_SECONDS

    def __init__(self) -> None:
        super().__init__(UNAVAILABLE_MESSAGE)


class HttpError(AppError):
    """An HTTP error raised by the framework itself (a malformed form, an unknown method)."""

    title = "Error"
    type_slug = "http-error"

    def __init__(self, status_code: int, detail: str) -> None:
        super().__init__(detail)
        self.status_code = status_code
        if status_code == 503:
            self.retry_after = RETRY_AFTER_SECONDS


NOT_FOUND_DETAIL = N_("There is nothing at this address, or nothing you may see.")
"""What a 404 says where nothing more precise is known (an address no route has)."""


def error_for_status(status_code: int, detail: str) -> AppError:
    """The hierarchy's error for a bare HTTP status (400 -> AppError, 404 -> NotFound, ...).
    The router's bare "Not Found" is told in this service's words, in the page's or client's
    language, as every other problem is."""
    if status_code == NotFound.status_code:
        if detail == HTTPStatus.NOT_FOUND.phrase:
            return NotFound(Message(NOT_FOUND_DETAIL))
        return NotFound(Message(detail))
    for kind in (AppError, MethodNotAllowed, Unauthorized, Forbidden, Conflict, Gone):
        if kind.status_code == status_code:
            return kind(detail)
    return HttpError(status_code, detail)


def database_error(exc: Exception) -> AppError | None:
    """The error a caller sees for a database exception, or None if it is a bug (a 500).

    An unreachable or busy database is a 503; a value or a write the database refuses, which a
    boundary check should have caught, is a 422 or 409 instead of an unhandled 500.
    """
    if isinstance(exc, OperationalError | InterfaceError):
        return DatabaseUnavailable()
    if isinstance(exc, DataError):
        return ValueNotStorable()
    if isinstance(exc, IntegrityError):
        return ConflictingData()
    return None
