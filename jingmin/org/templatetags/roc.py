"""ROC-calendar (民國) date display: ``{{ value|roc_date }}`` → 民國115年11月29日."""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.translation import get_language

register = template.Library()


def to_roc(value, with_time=False):
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


@register.filter
def roc_date(value):
    return to_roc(value)


@register.filter
def roc_datetime(value):
    return to_roc(value, with_time=True)


@register.filter
def role_label(code):
    from jingmin.org.roles import ROLE_LABELS

    return ROLE_LABELS.get(code, code)
