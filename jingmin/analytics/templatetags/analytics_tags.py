from django import template

from jingmin.analytics.nearrepeat import active_alerts, attach_warning_info, with_warnings
from jingmin.org import roles

register = template.Library()


@register.inclusion_tag("analytics/home_alerts.html", takes_context=True)
def analytics_home_alerts(context):
    """Active, not yet acknowledged near-repeat alerts of the signed-in user's beats (home page)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not roles.can(user, "analytics.view_alerts"):
        return {"alerts": []}
    rows = list(with_warnings(active_alerts(user).filter(acknowledged_at__isnull=True))[:10])
    return {
        "alerts": attach_warning_info(rows, user),
        "can_ack": roles.can(user, "analytics.ack_alerts"),
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path(),
    }
