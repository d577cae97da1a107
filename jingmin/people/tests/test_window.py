"""Visit-window and calendar arithmetic (hypothesis): parole revoked, sentence end, boundaries, month lengths."""

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingmin.people.window import ImpossibleDates, add_months, add_years, period_of, visit_window

dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31))


@given(dates, st.integers(min_value=-240, max_value=240))
def test_add_months_lands_in_the_right_month_and_clamps(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    last = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(day.day, last)


@given(dates)
def test_window_without_parole_is_three_years_from_sentence_end(end):
    window = visit_window(sentence_end=end)
    assert window.start == end
    assert window.end == add_years(end, 3)
    assert window.contains(end)
    assert window.contains(window.end - dt.timedelta(days=1))
    assert not window.contains(window.end)
    assert not window.contains(end - dt.timedelta(days=1))
    assert 365 * 3 <= (window.end - window.start).days <= 365 * 3 + 1


@given(dates, st.integers(min_value=1, max_value=2000))
def test_parole_release_opens_the_window(release, extra_days):
    sentence_end = release + dt.timedelta(days=extra_days)
    window = visit_window(sentence_end=sentence_end, parole_release=release)
    assert window.start == release


@given(dates, st.integers(min_value=0, max_value=700), st.integers(min_value=0, max_value=2000))
def test_revoked_parole_period_does_not_count(release, on_parole_days, back_inside_days):
    revoked = release + dt.timedelta(days=on_parole_days)
    sentence_end = revoked + dt.timedelta(days=back_inside_days)
    plain = visit_window(sentence_end=sentence_end, parole_release=release)
    window = visit_window(sentence_end=sentence_end, parole_release=release, parole_revoked_on=revoked)
    # the window runs from the end of the sentence served after the revocation: never earlier than
    # with the parole, and the parole period is not part of it
    assert window.start == sentence_end
    assert window.start >= plain.start
    assert window.end >= plain.end
    assert not window.contains(release) or release == sentence_end


def test_leap_day_and_month_ends():
    assert visit_window(sentence_end=dt.date(2024, 2, 29)).end == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 3, 31), -1) == dt.date(2026, 2, 28)
    assert period_of(dt.date(2026, 2, 14)) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert period_of(dt.date(2028, 2, 14)) == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    assert period_of(dt.date(2026, 11, 30), 3) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert period_of(dt.date(2026, 4, 1), 2) == (dt.date(2026, 3, 1), dt.date(2026, 4, 30))


@given(dates, st.sampled_from([1, 2, 3, 4, 6, 12]))
def test_periods_tile_the_calendar(day, months):
    start, end = period_of(day, months)
    assert start <= day <= end
    assert start.day == 1 and (start.month - 1) % months == 0
    assert end + dt.timedelta(days=1) == add_months(start, months)
    nxt_start, _ = period_of(end + dt.timedelta(days=1), months)
    assert nxt_start == end + dt.timedelta(days=1)


def test_no_release_date_means_no_window():
    assert visit_window() is None


@pytest.mark.parametrize(
    "kwargs,field",
    [
        (
            {"parole_release": dt.date(2025, 5, 1), "parole_revoked_on": dt.date(2025, 4, 1)},
            "parole_revoked_on",
        ),
        ({"parole_revoked_on": dt.date(2025, 4, 1)}, "parole_revoked_on"),
        (
            {
                "parole_release": dt.date(2025, 1, 1),
                "parole_revoked_on": dt.date(2025, 6, 1),
                "sentence_end": dt.date(2025, 3, 1),
            },
            "sentence_end",
        ),
        ({"parole_release": dt.date(2025, 6, 1), "sentence_end": dt.date(2025, 3, 1)}, "parole_release"),
    ],
)
def test_impossible_dates_name_the_field(kwargs, field):
    with pytest.raises(ImpossibleDates) as exc:
        visit_window(**kwargs)
    assert exc.value.field == field
