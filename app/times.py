"""Moments as stored and as shown: precise times, and day-only times of anonymous rounds.

In an anonymous round no stored time may link a response to the person seen at a computer at
that moment, so its times keep only the day (``app.services.responses.recorded_time``). A
day-only value is a calendar date: the day on which it happened in the service's time zone
(setting ``time_zone``), stored as 00:00 UTC of that date so that both databases keep it in
the same timestamp column as precise times. It is therefore never converted between time zones
when shown: converting 00:00 UTC to Berlin would invent "01:00", and to New York the day
before. Every page, export and CLI output formats such values through this module or
:meth:`app.i18n.Localizer.moment`, which take ``day_only`` and write a date only ("30 November
2026"; ISO ``2026-11-30``).

>>> from datetime import datetime, UTC
>>> evening = datetime(2026, 11, 30, 22, 30, tzinfo=UTC)  # Berlin 23:30, Auckland 11:30 next day
>>> iso(day_only(evening, "Europe/Berlin"), day_only=True)
'2026-11-30'
>>> iso(day_only(evening, "Pacific/Auckland"), day_only=True)
'2026-12-01'
>>> iso(evening, day_only=False)
'2026-11-30T22:30:00+00:00'
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@lru_cache
def zone(name: str) -> dt.tzinfo:
    """The named time zone (UTC for an unknown name; settings validate the name)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def day_only(moment: dt.datetime, time_zone: str) -> dt.datetime:
    """The day on which ``moment`` falls in ``time_zone``, as the stored day-only value."""
    local = moment.astimezone(zone(time_zone)).date()
    return dt.datetime(local.year, local.month, local.day, tzinfo=dt.UTC)


def calendar_day(value: dt.datetime) -> dt.date:
    """The date a day-only value stands for (read in UTC, never converted)."""
    return value.astimezone(dt.UTC).date() if value.tzinfo else value.date()


def iso(value: dt.datetime | None, *, day_only: bool) -> str | None:
    """ISO 8601 for exports: a date for day-only values, else the moment in UTC."""
    if value is None:
        return None
    return calendar_day(value).isoformat() if day_only else value.isoformat()


def start_of_day(day: dt.date, time_zone: str) -> dt.datetime:
    """The first moment of ``day`` in ``time_zone``, in UTC (a round's opening day)."""
    local = dt.datetime(day.year, day.month, day.day, tzinfo=zone(time_zone))
    return local.astimezone(dt.UTC)


def end_of_day(day: dt.date, time_zone: str) -> dt.datetime:
    """The moment ``day`` ends in ``time_zone``, in UTC: a closing day still accepts answers.

    >>> end_of_day(dt.date(2027, 1, 31), "Europe/Berlin").isoformat()
    '2027-01-31T23:00:00+00:00'
    """
    return start_of_day(day + dt.timedelta(days=1), time_zone)


def opening_day(moment: dt.datetime, time_zone: str) -> dt.date:
    """The day in ``time_zone`` on which ``moment`` falls (inverse of :func:`start_of_day`)."""
    return moment.astimezone(zone(time_zone)).date()


def closing_day(moment: dt.datetime, time_zone: str) -> dt.date:
    """The last day that still accepts answers before ``moment`` (inverse of
    :func:`end_of_day`): a round closing at midnight closed on the day before."""
    return last_day(moment, time_zone)


def last_day(end: dt.datetime, time_zone: str) -> dt.date:
    """The last day in ``time_zone`` before the exclusive end ``end``: the day to show for an
    expiry or closing made by :func:`end_of_day` (which gives that day back).

    >>> last_day(end_of_day(dt.date(2027, 12, 31), "Europe/Berlin"), "Europe/Berlin")
    datetime.date(2027, 12, 31)
    >>> last_day(dt.datetime(2028, 1, 1, tzinfo=dt.UTC), "UTC")
    datetime.date(2027, 12, 31)
    """
    return (end - dt.timedelta(microseconds=1)).astimezone(zone(time_zone)).date()
