"""Visit-window and calendar arithmetic (pure functions, no database).

治安顧慮人口查訪辦法: a security-concern person is visited for three years from the end of the
sentence or from release on parole; a revoked parole period does not count, so after a revocation
the window runs from the end of the sentence actually served. The window is the half-open range
``[start, end)``: visited from ``start``, no longer from ``end``.
"""

import calendar
import datetime as dt
from dataclasses import dataclass


def add_months(day, months):
    """Same day-of-month ``months`` later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def add_years(day, years):
    """Same date ``years`` later; 29 February becomes 28 February in a common year."""
    return add_months(day, 12 * years)


def month_start(day):
    return day.replace(day=1)


def month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def period_of(day, interval_months=1):
    """The visit period holding ``day``: periods of ``interval_months`` calendar months aligned on
    January (monthly: each month; quarterly: Jan–Mar, Apr–Jun …). Returns (first day, last day)."""
    interval_months = min(12, max(1, int(interval_months)))
    index = (day.month - 1) // interval_months * interval_months
    start = dt.date(day.year, index + 1, 1)
    end = add_months(start, interval_months) - dt.timedelta(days=1)
    return start, end


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date

    def contains(self, day):
        return self.start <= day < self.end


class ImpossibleDates(ValueError):
    """The dates contradict each other; ``field`` names the one to correct."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field


def visit_window(*, sentence_end=None, parole_release=None, parole_revoked_on=None, years=3):
    """The visit window, or None when the person has not been released yet (no date known).

    * parole not revoked: from the parole release (or, without parole, the end of the sentence);
    * parole revoked: the parole period does not count; the window runs from the end of the sentence.
    """
    if parole_revoked_on is not None:
        if parole_release is None:
            raise ImpossibleDates("parole_revoked_on", "a parole revocation needs a parole release date")
        if parole_revoked_on < parole_release:
            raise ImpossibleDates("parole_revoked_on", "parole revoked before the release on parole")
        if sentence_end is not None and sentence_end < parole_revoked_on:
            raise ImpossibleDates("sentence_end", "sentence ends before the parole was revoked")
        start = sentence_end
    elif parole_release is not None:
        if sentence_end is not None and sentence_end < parole_release:
            raise ImpossibleDates("parole_release", "released on parole after the end of the sentence")
        start = parole_release
    else:
        start = sentence_end
    if start is None:
        return None
    return Window(start, add_years(start, years))
