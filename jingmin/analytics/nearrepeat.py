"""Near-repeat: Knox tests per category and unit (stored), and alerts to nearby beats for new incidents.

A Knox test (``engine.knox.knox``) is run for each near-repeat category (``IncidentCategory.near_repeat``)
in each precinct and city-wide over the last ``LOOKBACK_DAYS``; ``near_repeat_flags`` gives the extent of
the significant near-repeat window (distance in metres, days) or none. When a new incident of such a
category arrives and the most specific stored test for its place (precinct, else city) flags a window
that has not yet passed, every beat whose villages come within that distance of the point gets an
in-app alert until ``occurred_at + days``. Stations that switched it on also warn the neighbourhood-watch
contacts of the affected villages through the messaging service (``send_alerts``).
"""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import shapely
from django.db import transaction
from django.utils import timezone

from jingmin.analytics.engine.errors import EngineError
from jingmin.analytics.engine.knox import knox, near_repeat_flags
from jingmin.analytics.models import Incident, IncidentCategory, NearRepeatAlert, NearRepeatTest
from jingmin.geo.assign import village_index
from jingmin.geo.proj import to_wgs84
from jingmin.org.models import Unit, Village

logger = logging.getLogger("jingmin.analytics")

SPACE_BANDS = [0, 100, 200, 300, 400, 500]
TIME_BANDS = [0, 7, 14, 21, 28]
N_PERM = 99
LOOKBACK_DAYS = 365
MIN_EVENTS = 10
ALPHA = 0.05


def run_knox(unit, category, *, now=None, n_perm=N_PERM, seed=None, lookback_days=LOOKBACK_DAYS):
    """Run and store the Knox test of ``category`` in ``unit``'s subtree; returns the NearRepeatTest."""
    now = now or timezone.now()
    start = now - dt.timedelta(days=lookback_days)
    rows = np.asarray(
        Incident.objects.filter(
            unit__path__startswith=unit.path, category=category, occurred_at__gte=start, occurred_at__lt=now
        ).values_list("occurred_at", "x", "y"),
        dtype=object,
    )
    test = NearRepeatTest(
        unit=unit, category=category, period_start=start, period_end=now, n_events=len(rows), n_perm=n_perm
    )
    if len(rows) < MIN_EVENTS:
        test.note = f"only {len(rows)} incident(s); at least {MIN_EVENTS} are needed for a Knox test"
    else:
        t = np.asarray([r.timestamp() / 86400.0 for r in rows[:, 0]], dtype=float)
        xy = rows[:, 1:].astype(float)
        try:
            result = knox(t, xy, space_bands=SPACE_BANDS, time_bands=TIME_BANDS, n_perm=n_perm, rng=seed)
            flags = near_repeat_flags(result, alpha=ALPHA)
        except EngineError as exc:
            test.note = str(exc)[:300]
        else:
            test.table = result.table()
            test.distance_m = flags["distance_m"]
            test.days = flags["days"]
    test.save()
    return test


def refresh_tests(*, now=None, units=None, categories=None, n_perm=N_PERM, seed=None):
    """Knox tests for every near-repeat category in every precinct and city-wide (or the given units)."""
    units = list(units) if units is not None else list(Unit.objects.filter(kind__in=["bureau", "precinct"]))
    cats = (
        list(categories)
        if categories is not None
        else list(IncidentCategory.objects.filter(near_repeat=True))
    )
    return [run_knox(u, c, now=now, n_perm=n_perm, seed=seed) for u in units for c in cats]


def test_for(beat, category):
    """The most specific stored test covering ``beat`` for ``category`` (latest per unit), or None."""
    codes = beat.path.strip("/").split("/")
    tests = list(
        NearRepeatTest.objects.filter(category=category, unit__code__in=codes)
        .select_related("unit")
        .order_by("-computed_at", "-id")
    )
    if not tests:
        return None
    depth = {c: i for i, c in enumerate(codes)}
    return max(tests, key=lambda t: (depth[t.unit.code], t.computed_at, t.id))


def villages_within(x, y, distance_m):
    """Villages (with a beat) that come within ``distance_m`` of the EPSG:3826 point (x, y)."""
    circle = shapely.Point(x, y).buffer(distance_m, quad_segs=8)
    ring = np.asarray(circle.exterior.coords)
    lon, lat = to_wgs84(ring[:, 0], ring[:, 1])
    poly = shapely.Polygon(np.column_stack([lon, lat]))
    index = village_index()
    hits = index.tree.query(poly, predicate="intersects")
    codes = [index.codes[i] for i in hits]
    return Village.objects.filter(code__in=codes, beat__isnull=False)


def beats_within(x, y, distance_m):
    """Ids of the beats whose villages come within ``distance_m`` of the EPSG:3826 point (x, y)."""
    return sorted(set(villages_within(x, y, distance_m).values_list("beat_id", flat=True)))


def alerts_for_incidents(incident_ids, *, now=None):
    """Create the near-repeat alerts for new incidents (ids); returns how many alerts were created."""
    if not incident_ids:
        return 0
    now = now or timezone.now()
    created = []
    cache = {}
    for inc in Incident.objects.filter(pk__in=list(incident_ids), category__near_repeat=True).select_related(
        "unit", "category"
    ):
        key = (inc.unit_id, inc.category_id)
        if key not in cache:
            cache[key] = test_for(inc.unit, inc.category)
        test = cache[key]
        if test is None or not test.distance_m or not test.days:
            continue
        valid_until = inc.occurred_at + dt.timedelta(days=test.days)
        if valid_until <= now:
            continue
        for beat_id in beats_within(inc.x, inc.y, test.distance_m):
            alert, made = NearRepeatAlert.objects.get_or_create(
                incident=inc,
                unit_id=beat_id,
                defaults={
                    "test": test,
                    "distance_m": test.distance_m,
                    "days": test.days,
                    "valid_until": valid_until,
                },
            )
            if made:
                created.append(alert.pk)
    if created:
        transaction.on_commit(lambda: send_alerts(created))
    return len(created)


def send_alerts(alert_ids):
    """Forward new alerts beyond the in-app notice (called after the import commits).

    Stations that switched on community warnings (``NearRepeatWarningSetting``) get them through the
    messaging service: a django_tasks task (``tasks.send_near_repeat_warnings``) so that the import never
    waits on delivery; ``actions.warn_community`` does the work, once per (alert, station). Returns
    whether a task was enqueued.
    """
    from jingmin.analytics.models import NearRepeatWarningSetting

    alert_ids = sorted({int(pk) for pk in alert_ids or ()})
    if not alert_ids:
        return False
    stations = set(NearRepeatAlert.objects.filter(pk__in=alert_ids).values_list("unit__parent_id", flat=True))
    if not NearRepeatWarningSetting.objects.filter(unit_id__in=stations, enabled=True).exists():
        return False
    from jingmin.analytics.tasks import send_near_repeat_warnings

    send_near_repeat_warnings.enqueue(alert_ids)
    return True


def active_alerts(user, *, now=None):
    now = now or timezone.now()
    return (
        NearRepeatAlert.objects.visible_to(user)
        .filter(valid_until__gt=now)
        .select_related("incident__category", "incident__village", "unit")
    )


def warning_info(alerts, user):
    """For each alert (id → dict): what was sent to the community, with a campaign link the user may open.

    ``None`` for alerts without a community warning (the station's setting was off).
    """
    from django.urls import reverse

    from jingmin.messaging.models import Campaign
    from jingmin.org import roles

    alerts = list(alerts)
    campaign_ids = {a.warning.campaign_id for a in alerts if a.warning_id and a.warning.campaign_id}
    visible = set()
    if campaign_ids and roles.can(user, "messaging.view"):
        visible = set(
            Campaign.objects.visible_to(user).filter(pk__in=campaign_ids).values_list("pk", flat=True)
        )
    out = {}
    for a in alerts:
        w = a.warning if a.warning_id else None
        if w is None:
            out[a.pk] = None
            continue
        c = w.campaign
        out[a.pk] = {
            "id": w.pk,
            "status": w.status,
            "label": str(w.get_status_display()),
            "note": w.note,
            "station": w.unit.code,
            "sender": w.sender.username if w.sender_id else None,
            "created_at": w.created_at.isoformat(),
            "campaign": c.pk if c else None,
            "campaign_status": c.status if c else None,
            "campaign_status_label": str(c.get_status_display()) if c else None,
            "recipients": c.recipients if c else 0,
            "campaign_url": reverse("messaging:campaign_detail", args=[c.pk])
            if c and c.pk in visible
            else None,
        }
    return out


def with_warnings(qs):
    """``qs`` of alerts with what the warning column needs."""
    return qs.select_related("warning__campaign", "warning__unit", "warning__sender")


def attach_warning_info(alerts, user):
    """The alerts, each with ``community_warning`` (``warning_info``'s dict, or None)."""
    info = warning_info(alerts, user)
    for a in alerts:
        a.community_warning = info.get(a.pk)
    return alerts
