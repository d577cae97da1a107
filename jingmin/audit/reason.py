"""The “reason for access” (查詢事由) prompt in front of sensitive records."""

import functools

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

REASON_CHOICES = [
    ("beat-visit", _("Beat visit (勤區查察)")),
    ("investigation", _("Case investigation")),
    ("search", _("Search for a missing person")),
    ("supervision", _("Supervision / review")),
    ("service", _("Service to the person")),
]
MIN_REASON = 2


def clean_reason(value):
    value = (value or "").strip()
    labels = dict(REASON_CHOICES)
    if value in labels:
        return str(labels[value])
    return value if len(value) >= MIN_REASON else ""


def reason_required(view):
    """Ask for a reason before showing the record; the view receives ``reason`` as a keyword."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        reason = clean_reason(request.GET.get("reason"))
        if not reason:
            error = _("Please give a reason for this access.") if "reason" in request.GET else None
            return render(
                request,
                "audit/reason.html",
                {"choices": REASON_CHOICES, "error": error},
                status=403 if error else 200,
            )
        return view(request, *args, reason=reason, **kwargs)

    return wrapper
