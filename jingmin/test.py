"""Shared test base: the Tainan demo world plus users of every role inside and outside a jurisdiction.

The session loads the real geography and the demo units once (``django_db_setup`` in
``jingmin/conftest.py``); each test runs in a transaction that is rolled back. ``world()`` gives:

* ``inside[role]`` — a user of that role in the demo precinct's first station (or the beat / precinct
  / bureau the role lives at: the demo accounts);
* ``outside[role]`` — the same role in another precinct (TNPD-P01), which must see none of the above;
* ``nounit`` — a signed-in user without a unit, who must see nothing.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from shapely.geometry import shape

from jingmin.org import roles
from jingmin.org.models import Officer, Unit

PASSWORD = "jingmin-demo"

INSIDE = {
    roles.ADMINISTRATOR: "demo-admin",
    roles.BUREAU_ANALYST: "demo-analyst",
    roles.PRECINCT_OFFICER: "demo-precinct",
    roles.STATION_CHIEF: "demo-chief",
    roles.BEAT_OFFICER: "demo-beat",
    roles.INVESTIGATOR: "demo-investigator",
    roles.SOCIAL_LIAISON: "demo-liaison",
    roles.COMMUNITY_PARTNER: "demo-partner",
}

# where each role sits in the "outside" precinct
OUTSIDE_UNIT = {
    roles.ADMINISTRATOR: "TNPD-P01",
    roles.BUREAU_ANALYST: "TNPD-P01",
    roles.PRECINCT_OFFICER: "TNPD-P01",
    roles.STATION_CHIEF: "TNPD-P01-S01",
    roles.BEAT_OFFICER: "TNPD-P01-S01-B01",
    roles.INVESTIGATOR: "TNPD-P01",
    roles.SOCIAL_LIAISON: "TNPD-P01",
    roles.COMMUNITY_PARTNER: "TNPD-P01-S01",
}


@dataclass
class World:
    bureau: Unit
    precinct: Unit
    station: Unit
    beat: Unit
    beat2: Unit
    sibling_station: Unit
    other_precinct: Unit
    other_station: Unit
    other_beat: Unit
    inside: dict = field(default_factory=dict)
    outside: dict = field(default_factory=dict)
    nounit: object = None


def make_user(username, role=None, unit=None, **extra):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults=extra)
    if created:
        user.set_password(PASSWORD)
        user.save()
        if role:
            user.groups.add(Group.objects.get(name=role))
        if unit is not None:
            Officer.objects.create(user=user, unit=unit)
    return user


def ensure_outsiders():
    for role, code in OUTSIDE_UNIT.items():
        make_user(f"out-{role}", role, Unit.objects.get(code=code))
    make_user("no-unit", roles.BEAT_OFFICER)


def world():
    User = get_user_model()
    u = {
        unit.code: unit
        for unit in Unit.objects.filter(
            code__in=[
                "TNPD",
                "TNPD-P05",
                "TNPD-P05-S01",
                "TNPD-P05-S01-B01",
                "TNPD-P05-S01-B02",
                "TNPD-P05-S02",
                "TNPD-P01",
                "TNPD-P01-S01",
                "TNPD-P01-S01-B01",
            ]
        )
    }
    w = World(
        bureau=u["TNPD"],
        precinct=u["TNPD-P05"],
        station=u["TNPD-P05-S01"],
        beat=u["TNPD-P05-S01-B01"],
        beat2=u["TNPD-P05-S01-B02"],
        sibling_station=u["TNPD-P05-S02"],
        other_precinct=u["TNPD-P01"],
        other_station=u["TNPD-P01-S01"],
        other_beat=u["TNPD-P01-S01-B01"],
    )
    w.inside = {role: User.objects.get(username=name) for role, name in INSIDE.items()}
    w.outside = {role: User.objects.get(username=f"out-{role}") for role in OUTSIDE_UNIT}
    w.nounit = User.objects.get(username="no-unit")
    return w


def point_in(unit):
    """(lat, lon) inside the first village of a beat (or of any unit)."""
    village = unit.all_villages().order_by("code").first()
    p = shape(village.boundary).representative_point()
    return round(p.y, 6), round(p.x, 6)
