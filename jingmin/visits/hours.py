"""Visit hours of each beat officer this month, against the monthly figure (≥ 16 h by default, DOMAIN.md).

Taken from the visit records: a visit counts its ``minutes`` or, when none were given, the configured
minutes per visit (``Config.stop_minutes``). Only officers and visits the user may see are counted.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db.models import Count, IntegerField, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from jingmin.org import roles
from jingmin.org.models import Officer
from jingmin.visits.models import Config, Visit


@dataclass
class OfficerHours:
    officer: Officer
    visits: int
    minutes: int
    target_hours: int

    @property
    def hours(self):
        return round(self.minutes / 60, 1)

    @property
    def below(self):
        return self.minutes < self.target_hours * 60

    @property
    def percent(self):
        return min(100, round(100 * self.minutes / (self.target_hours * 60))) if self.target_hours else 100


def hours_chart(rows):
    """Chart spec of the rows: each beat officer's hours this month against the target line."""
    from django.utils.translation import gettext as _

    from jingmin.org.charts import series

    target = rows[0].target_hours if rows else 0
    return series(
        "visit-hours",
        _("Visit hours this month per beat officer"),
        labels=[str(r.officer) for r in rows],
        datasets=[(_("hours"), [r.hours for r in rows])],
        unit=_("h"),
        target=(target, _("target: %(n)s h") % {"n": target}),
        label_header=_("officer"),
    )


def month_start(now=None):
    local = timezone.localtime(now or timezone.now())
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def beat_officer_hours(user, now=None):
    """One row per beat officer in the user's jurisdiction, fewest hours first."""
    if not roles.can(user, "visits.view_hours"):
        return []
    config = Config.get()
    start = month_start(now)
    group = Group.objects.filter(name=roles.BEAT_OFFICER).first()
    if group is None:
        return []
    officers = list(
        Officer.objects.visible_to(user)
        .filter(user__groups=group, user__is_active=True)
        .select_related("user", "unit")
    )
    totals = (
        Visit.objects.visible_to(user)
        .filter(officer__in=[o.user_id for o in officers], visited_at__gte=start)
        .values("officer")
        .annotate(
            n=Count("id"),
            m=Sum(Coalesce("minutes", Value(config.stop_minutes), output_field=IntegerField())),
        )
    )
    by_user = {t["officer"]: t for t in totals}
    rows = [
        OfficerHours(
            officer=o,
            visits=by_user.get(o.user_id, {}).get("n", 0),
            minutes=by_user.get(o.user_id, {}).get("m", 0) or 0,
            target_hours=config.monthly_visit_hours,
        )
        for o in officers
    ]
    rows.sort(key=lambda r: (r.minutes, r.officer.unit.path, r.officer.user.username))
    return rows
