"""Sign-in lockout (django-axes) per username *and* address, with a delay that grows.

Five failures (``JINGMIN_LOCKOUT_FAILURES``) from one address for one username lock that pair — not
the account everywhere, so nobody can lock an officer out from their own machine by guessing. Each
further lockout of the same pair within 24 hours doubles the wait (15, 30, 60 … minutes, at most
24 hours). A successful sign-in (page or API) clears the pair's failures; an administrator can
unlock a pair on ``/org/lockouts/``. Every lockout and unlock is in the audit log. Unknown usernames
are counted and answered exactly like known ones.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingmin.audit import log as audit
from jingmin.audit.models import AuditEvent
from jingmin.org.roles import require

MAX_COOL_OFF = dt.timedelta(hours=24)


def _pair(request):
    credentials = getattr(request, "axes_credentials", None) or {}
    username = (credentials.get("username") or "")[:150]
    return username, getattr(request, "axes_ip_address", "") or ""


def earlier_lockouts(username, ip):
    since = timezone.now() - dt.timedelta(hours=24)
    return (
        AuditEvent.objects.filter(action="auth.locked_out", object_id=username[:64], at__gte=since)
        .filter(extra__ip=ip)
        .count()
    )


def cool_off(request=None):
    """The lockout time for this request's username and address (``AXES_COOLOFF_TIME``)."""
    base = dt.timedelta(minutes=settings.LOCKOUT_MINUTES)
    if request is None:
        return base
    username, ip = _pair(request)
    count = earlier_lockouts(username, ip)
    return min(base * (2 ** max(0, count - 1)), MAX_COOL_OFF)


def locked_message(request):
    minutes = int(cool_off(request).total_seconds() // 60)
    return _(
        "Too many failed sign-in attempts from this computer: signing in as this user is locked for %(n)d minutes."
    ) % {"n": minutes}


def clear_failures(request, user):
    """A successful sign-in outside Django's login() (the API token): reset the pair's failures."""
    from axes.handlers.proxy import AxesProxyHandler

    AxesProxyHandler.user_logged_in(sender=type(user), request=request, user=user)


@transaction.atomic
def unlock(*, acting_user, attempt):
    """An administrator lifts a lockout (one username and address)."""
    require(acting_user, "org.unlock_signin")
    data = {"username": attempt.username, "ip": attempt.ip_address, "failures": attempt.failures_since_start}
    attempt.delete()
    audit.record("auth.unlocked", actor=acting_user, obj=("auth.account", attempt.username[:64]), extra=data)


def _on_locked_out(sender, request, username, ip_address, **kwargs):
    # axes signals a lockout on the failure that reaches the limit and again for every attempt while it
    # lasts (with or without a failure count on the request); only the first counts towards the growing wait
    fresh = getattr(request, "axes_failures_since_start", None) == settings.AXES_FAILURE_LIMIT
    with transaction.atomic():
        audit.record(
            "auth.locked_out" if fresh else "auth.lockout_refused",
            actor=None,
            obj=("auth.account", (username or "")[:64]),
            extra={"ip": ip_address or "", "path": getattr(request, "path", "")[:200]},
        )


def connect():
    from axes.signals import user_locked_out

    user_locked_out.connect(_on_locked_out, dispatch_uid="jingmin-lockout-audit")
