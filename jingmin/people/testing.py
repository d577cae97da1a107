"""Test helpers: persons made through the actions, with valid fictitious ID numbers."""

import datetime as dt
import itertools

from django.utils import timezone

from jingmin.people import actions as people_actions
from jingmin.people.national_id import check_digit
from jingmin.test import point_in

_serial = itertools.count(1)


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
