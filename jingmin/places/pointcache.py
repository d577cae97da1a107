"""Per-process cache of a jurisdiction's points as numpy arrays, for the e-map layers.

Building it runs the *scoped* query once (``Model.objects.visible_to(user)`` plus the layer's filters);
each request then only checks a cheap stamp (two indexed MAX queries over the whole table) and, while
nothing changed, cuts its viewport and aggregates grid cells with numpy. Any write bumps ``updated_at``
(or adds a row), so the next request rebuilds. Keys hold the scope (the user's unit path, or "all"),
the capability set, the filters and the day, never personal data.
"""

import threading
from collections import OrderedDict

import numpy as np
from django.db.models import Max

MAX_ENTRIES = 32
_lock = threading.Lock()
_cache = OrderedDict()


class PointSet:
    __slots__ = ("ids", "lon", "lat", "props")

    def __init__(self, rows, prop_names):
        n = len(rows)
        self.ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
        self.lon = np.fromiter((r[1] for r in rows), dtype=np.float64, count=n)
        self.lat = np.fromiter((r[2] for r in rows), dtype=np.float64, count=n)
        self.props = {name: [r[3 + i] for r in rows] for i, name in enumerate(prop_names)}

    def window(self, bbox):
        lon0, lat0, lon1, lat1 = bbox
        return np.flatnonzero(
            (self.lon >= lon0) & (self.lon <= lon1) & (self.lat >= lat0) & (self.lat <= lat1)
        )


def stamp(model):
    agg_id = model.objects.aggregate(m=Max("id"))["m"]
    agg_up = model.objects.aggregate(m=Max("updated_at"))["m"]
    return agg_id, agg_up


def get(key, model, build):
    """The PointSet for ``key``; ``build()`` returns (rows, prop_names) when it must be (re)built."""
    current = stamp(model)
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] == current:
            _cache.move_to_end(key)
            return hit[1]
    rows, names = build()
    points = PointSet(rows, names)
    with _lock:
        _cache[key] = (current, points)
        _cache.move_to_end(key)
        while len(_cache) > MAX_ENTRIES:
            _cache.popitem(last=False)
    return points


def clear():
    with _lock:
        _cache.clear()


def grid_cells(points, idx, size, risk=None):
    """Aggregate the points ``idx`` into square cells of ``size`` degrees: (lon, lat, count, max risk)."""
    if idx.size == 0:
        return []
    gx = np.floor(points.lon[idx] / size).astype(np.int64)
    gy = np.floor(points.lat[idx] / size).astype(np.int64)
    key = gx * 10_000_000 + gy
    uniq, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    mlon = np.bincount(inverse, weights=points.lon[idx]) / counts
    mlat = np.bincount(inverse, weights=points.lat[idx]) / counts
    maxrisk = None
    if risk is not None:
        maxrisk = np.zeros(uniq.size, dtype=np.int64)
        np.maximum.at(maxrisk, inverse, np.asarray(risk, dtype=np.int64)[idx])
    return [
        (float(mlon[i]), float(mlat[i]), int(counts[i]), int(maxrisk[i]) if maxrisk is not None else None)
        for i in range(uniq.size)
    ]
