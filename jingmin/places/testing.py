"""Test helpers: places made through the actions."""

import itertools

from jingmin.places import actions
from jingmin.test import point_in

_serial = itertools.count(1)


def make_place(user, unit, **extra):
    lat, lon = point_in(unit)
    data = {"name": f"測試處所{next(_serial)}", "category": "tea-shop", "risk": 3, "lat": lat, "lon": lon}
    data.update(extra)
    return actions.create_place(acting_user=user, data=data)
