"""Analytics on the home page: open near-repeat alerts to act on; for analysts, backtests that failed
or wait, and how fresh the incident data is."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from jingmin.analytics.models import BacktestRun, Incident
from jingmin.analytics.nearrepeat import active_alerts, attach_warning_info, with_warnings
from jingmin.org import roles
from jingmin.today import Item

STALE_DAYS = 7


def items(user, today):
    out = []
    if roles.can(user, "analytics.view_alerts"):
        n = active_alerts(user).filter(acknowledged_at__isnull=True).count()
        text = ngettext("%(n)s near-repeat alert to act on", "%(n)s near-repeat alerts to act on", n)
        out.append(_item(text % {"n": n}, reverse("analytics:alerts"), n, "due", 20))
    if roles.can(user, "analytics.view"):
        runs = BacktestRun.objects.visible_to(user)
        failed = runs.filter(
            status=BacktestRun.FAILED, created_at__gte=timezone.now() - dt.timedelta(days=7)
        ).count()
        text = ngettext("%(n)s backtest failed this week", "%(n)s backtests failed this week", failed)
        out.append(_item(text % {"n": failed}, reverse("analytics:evaluations"), failed, "info", 60))
        waiting = runs.filter(status__in=[BacktestRun.QUEUED, BacktestRun.RUNNING]).count()
        text = ngettext("%(n)s backtest waiting or running", "%(n)s backtests waiting or running", waiting)
        out.append(_item(text % {"n": waiting}, reverse("analytics:evaluations"), waiting, "info", 61))
        latest = (
            Incident.objects.visible_to(user).order_by("-occurred_at").values_list("occurred_at", flat=True)
        )
        newest = latest.first()
        if newest is not None and (timezone.now() - newest).days >= STALE_DAYS:
            days = (timezone.now() - newest).days
            text = ngettext(
                "Incident data is %(n)s day old: import the latest cases",
                "Incident data is %(n)s days old: import the latest cases",
                days,
            )
            out.append(_item(text % {"n": days}, reverse("analytics:incident_list"), days, "info", 62))
    return out


def _item(text, url, count, level, order):
    return Item(text=text, url=url, count=count, level=level, order=order)


def panel(request):
    """The open alerts themselves, with their acknowledge buttons."""
    user = request.user
    if not roles.can(user, "analytics.view_alerts"):
        return None
    rows = list(with_warnings(active_alerts(user).filter(acknowledged_at__isnull=True))[:10])
    if not rows:
        return None
    return (
        "analytics/home_alerts.html",
        {
            "alerts": attach_warning_info(rows, user),
            "can_ack": roles.can(user, "analytics.ack_alerts"),
            "next": request.get_full_path(),
        },
    )
