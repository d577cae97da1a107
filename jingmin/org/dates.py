"""Date display shared by actions, exports and templates: the ROC calendar (民國)."""

import datetime as dt

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

FUTURE_SLACK = dt.timedelta(minutes=5)
"""A time entered up to this much after now (a phone's clock running fast) is still accepted."""


def to_roc(value, with_time=False):
    """民國115年11月29日 (English: ROC 115-11-29); with_time adds HH:MM in Asia/Taipei."""
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        date, time = value.date(), value.strftime("%H:%M")
    elif isinstance(value, dt.date):
        date, time = value, None
    else:
        return value
    year = date.year - 1911
    if (get_language() or "zh-hant").startswith("en"):
        text = f"ROC {year}-{date.month:02d}-{date.day:02d}"
    else:
        text = (
            f"民國{year}年{date.month}月{date.day}日"
            if year > 0
            else f"民國前{1 - year}年{date.month}月{date.day}日"
        )
    if with_time and time:
        text += f" {time}"
    return text


def roc_month(year, month):
    """民國115年11月 (English: ROC 115-11): a month as a chart axis or table heading shows it."""
    roc = year - 1911
    if (get_language() or "zh-hant").startswith("en"):
        return f"ROC {roc}-{month:02d}"
    return f"民國{roc}年{month}月"


def last_months(count, today=None):
    """[(year, month)] of the ``count`` months up to and including today's (Asia/Taipei), oldest first."""
    today = today or timezone.localdate()
    year, month, out = today.year, today.month, []
    for _i in range(count):
        out.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def roc_date(value):
    return to_roc(value)


def roc_datetime(value):
    return to_roc(value, with_time=True)


def past_time(value, field, errors, required=True):
    """An aware datetime from a form or JSON value that is not in the future; a problem goes into
    ``errors[field]`` (translated) and gives None."""
    if value in (None, ""):
        if required:
            errors[field] = [_("This field is required.")]
        return None
    if isinstance(value, dt.datetime):
        when = value
    else:
        when = parse_datetime(str(value))
        if when is None:
            errors[field] = [_("Enter a valid date and time.")]
            return None
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if when > timezone.now() + FUTURE_SLACK:
        errors[field] = [_("This time is in the future.")]
        return None
    return when
