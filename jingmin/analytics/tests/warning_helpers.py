"""Helpers of the community-warning tests: a flagged Knox test, the affected villages, the station switch."""

import datetime as dt

from django.utils import timezone

from jingmin.analytics import actions
from jingmin.analytics.models import IncidentCategory, NearRepeatTest
from jingmin.analytics.nearrepeat import villages_within
from jingmin.analytics.tests.helpers import point_in
from jingmin.geo.proj import to_twd97
from jingmin.org import roles

DISTANCE = 300.0


def flag(unit, distance=DISTANCE, days=14.0):
    """A stored Knox test of ``unit`` flagging a near-repeat window (as the nightly refresh would)."""
    now = timezone.now()
    return NearRepeatTest.objects.create(
        unit=unit,
        category=IncidentCategory.objects.get(code="burglary"),
        period_start=now - dt.timedelta(days=365),
        period_end=now,
        n_events=100,
        n_perm=99,
        distance_m=distance,
        days=days,
    )


def affected(beat, distance=DISTANCE):
    """The villages of ``beat`` within ``distance`` of the test point of ``beat`` (helpers.point_in)."""
    lat, lon = point_in(beat)
    x, y = to_twd97(lon, lat)
    return list(villages_within(float(x), float(y), distance).filter(beat=beat).order_by("code"))


def switch_on(station, user=None, tags=()):
    """Switch a station's community warnings on (as its chief, or the bureau's administrator)."""
    from django.contrib.auth import get_user_model

    from jingmin.test import INSIDE

    user = user or get_user_model().objects.get(username=INSIDE[roles.ADMINISTRATOR])
    return actions.save_warning_setting(acting_user=user, station=station, enabled=True, tags=list(tags))
