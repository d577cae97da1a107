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


def given_reason(query):
    """The reason of a prompt's answer: the free text of "other reason" when typed, else the chosen one.

    (Both travel in one GET; the free text has its own name so that an empty box never hides the choice.)
    """
    return clean_reason(query.get("reason_other") or query.get("reason"))


def reason_required(view=None, *, check=None):
    """Ask for a reason before showing the record; the view receives ``reason`` as a keyword.

    ``check(request, *args, **kwargs)`` runs before the prompt and raises ``PermissionDenied`` (403) or
    ``Http404`` when the user may not open the record at all, so nobody gives a reason only to be refused.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if check is not None:
                check(request, *args, **kwargs)
            reason = given_reason(request.GET)
            if not reason:
                asked = "reason" in request.GET or "reason_other" in request.GET
                error = _("Please give a reason for this access.") if asked else None
                return render(
                    request,
                    "audit/reason.html",
                    {"choices": REASON_CHOICES, "error": error, "chosen": request.GET.get("reason", "")},
                    status=403 if error else 200,
                )
            return view(request, *args, reason=reason, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
