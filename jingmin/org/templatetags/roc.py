"""ROC-calendar (民國) date display in templates: ``{{ value|roc_date }}`` → 民國115年11月29日."""

from django import template

from jingmin.org import dates

register = template.Library()

register.filter("roc_date", dates.roc_date)
register.filter("roc_datetime", dates.roc_datetime)


@register.filter
def role_label(code):
    from jingmin.org.roles import ROLE_LABELS

    return ROLE_LABELS.get(code, code)
