"""Test helpers for strategy 1: points inside a beat, persons and places made through the actions."""

import datetime as dt
import itertools

from django.utils import timezone
from shapely.geometry import shape

from jingmin.people import actions as people_actions
from jingmin.people.national_id import check_digit
from jingmin.places import actions as place_actions

_serial = itertools.count(1)


def point_in(unit):
    """(lat, lon) inside the first village of a beat (or of any unit)."""
    village = unit.all_villages().order_by("code").first()
    p = shape(village.boundary).representative_point()
    return round(p.y, 6), round(p.x, 6)


def new_id(letter="T", sex="1"):
    n = next(_serial)
    prefix = f"{letter}{sex}{n:07d}"
    return prefix + check_digit(prefix)


def make_person(user, unit, **extra):
    lat, lon = point_in(unit)
    data = {
        "kind": "concern",
        "category": "theft",
        "name": f"測試人{next(_serial)}",
        "national_id": new_id(),
        "lat": lat,
        "lon": lon,
        "sentence_end": (timezone.localdate() - dt.timedelta(days=40)).isoformat(),
        "offence": "竊盜",
    }
    data.update(extra)
    return people_actions.create_person(acting_user=user, data=data)


def make_place(user, unit, **extra):
    lat, lon = point_in(unit)
    data = {"name": f"測試處所{next(_serial)}", "category": "tea-shop", "risk": 3, "lat": lat, "lon": lon}
    data.update(extra)
    return place_actions.create_place(acting_user=user, data=data)
