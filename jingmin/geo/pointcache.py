"""Per-process caches of the e-map layers: a jurisdiction's points as numpy arrays with each feature's
JSON pre-serialised, and whole answers as bytes.

Point sets: building one runs the *scoped* query once (``Model.objects.visible_to(user)`` plus the
layer's filters). Answers: the finished GeoJSON bytes of one (layer, scope, filters, zoom, tile-snapped
area). Both are stamped with the versions of the data they were built from
(:mod:`jingmin.geo.versions`, bumped by database triggers in the same transaction as any
write) and are used only while the versions read at the start of the request are the same; an answer
can also carry a time after which it is stale (days since the last visit, "not visited for N days").
Keys hold the scope (the caller's unit path, "all" or "none", and what the caller's role may see), the
filters, the day and the area — never personal data, and never anything that two different scopes share.
"""

import json
import threading
from collections import OrderedDict
from json.encoder import encode_basestring

import numpy as np

MAX_POINT_SETS = 32
MAX_ANSWERS = 4096
MAX_ANSWER_BYTES = 96 * 1024 * 1024
_lock = threading.Lock()
_points = OrderedDict()
_answers = OrderedDict()
_answer_bytes = [0]


def dumps(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_text(value):
    """A str (or None) as a JSON value, as ``dumps`` would write it (the C string encoder, no ``dumps`` call)."""
    return "null" if value is None else encode_basestring(value)


class PointSet:
    """Points sorted by longitude: ``ids``, ``lon``, ``lat``, numeric ``cols`` and per-feature bytes.

    ``head[i]`` is the feature's JSON up to its last, time-dependent property (or the whole feature when
    ``tail`` is None); ``tail[i]`` closes it.
    """

    def __init__(self, ids, lon, lat, cols, head, tail=None):
        order = np.argsort(lon, kind="stable")
        self.ids = np.asarray(ids, dtype=np.int64)[order]
        self.lon = np.asarray(lon, dtype=np.float64)[order]
        self.lat = np.asarray(lat, dtype=np.float64)[order]
        self.cols = {k: np.asarray(v)[order] for k, v in cols.items()}
        o = order.tolist()
        self.head = [head[i] for i in o]
        self.tail = [tail[i] for i in o] if tail is not None else None
        self._cells = {}

    @property
    def size(self):
        return int(self.ids.size)

    def window(self, area):
        """Indexes of the points with lon0 ≤ lon < lon1 and lat0 ≤ lat < lat1."""
        lon0, lat0, lon1, lat1 = area
        a, b = np.searchsorted(self.lon, [lon0, lon1], side="left")
        lat = self.lat[a:b]
        return a + np.flatnonzero((lat >= lat0) & (lat < lat1))

    def cells(self, size):
        """Every point aggregated into square cells of ``size`` degrees (computed once per size):
        (gx, gy, count, mean lon, mean lat, maximum of the "max" column or None), sorted by gx."""
        hit = self._cells.get(size)
        if hit is None:
            hit = aggregate(self.lon, self.lat, size, self.cols.get("max"))
            self._cells[size] = hit
        return hit


def aggregate(lon, lat, size, risk=None):
    if lon.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, np.zeros(0), np.zeros(0), None if risk is None else empty
    gx = np.floor(lon / size).astype(np.int64)
    gy = np.floor(lat / size).astype(np.int64)
    key = gx * 100_000_000 + (gy - gy.min())
    uniq, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    mlon = np.bincount(inverse, weights=lon) / counts
    mlat = np.bincount(inverse, weights=lat) / counts
    maxrisk = None
    if risk is not None:
        maxrisk = np.zeros(uniq.size, dtype=np.int64)
        np.maximum.at(maxrisk, inverse, np.asarray(risk, dtype=np.int64))
    first = np.zeros(uniq.size, dtype=np.int64)
    first[inverse] = np.arange(inverse.size)
    return gx[first], gy[first], counts, mlon, mlat, maxrisk


def cells_in(cells, cx0, cy0, cx1, cy1):
    """The rows of ``cells`` with cx0 ≤ gx < cx1 and cy0 ≤ gy < cy1 (whole cells of a snapped area)."""
    gx, gy = cells[0], cells[1]
    a, b = np.searchsorted(gx, [cx0, cx1], side="left")
    sel = a + np.flatnonzero((gy[a:b] >= cy0) & (gy[a:b] < cy1))
    return tuple(None if c is None else c[sel] for c in cells)


def get_points(key, stamp, build):
    """The PointSet for ``key`` built at ``stamp``; ``build()`` makes it when missing or stale.

    ``stamp`` None (versions unknown) never caches. The stamp is read *before* the build's query, so a
    write that commits in between only causes one more rebuild, never a stale set.
    """
    if stamp is None:
        return build()
    with _lock:
        hit = _points.get(key)
        if hit is not None and hit[0] == stamp:
            _points.move_to_end(key)
            return hit[1]
    points = build()
    with _lock:
        _points[key] = (stamp, points)
        _points.move_to_end(key)
        while len(_points) > MAX_POINT_SETS:
            _points.popitem(last=False)
    return points


def get_answer(key, stamp, now):
    if stamp is None:
        return None
    with _lock:
        hit = _answers.get(key)
        if hit is None:
            return None
        if hit[0] != stamp or (hit[1] is not None and now >= hit[1]):
            _answer_bytes[0] -= len(_answers.pop(key)[2])
            return None
        _answers.move_to_end(key)
        return hit[2]


def put_answer(key, stamp, valid_until, body):
    if stamp is None:
        return
    with _lock:
        old = _answers.pop(key, None)
        if old is not None:
            _answer_bytes[0] -= len(old[2])
        _answers[key] = (stamp, valid_until, body)
        _answer_bytes[0] += len(body)
        while len(_answers) > MAX_ANSWERS or _answer_bytes[0] > MAX_ANSWER_BYTES:
            _answer_bytes[0] -= len(_answers.popitem(last=False)[1][2])


def clear():
    with _lock:
        _points.clear()
        _answers.clear()
        _answer_bytes[0] = 0


def stats():
    with _lock:
        return {"point_sets": len(_points), "answers": len(_answers), "answer_bytes": _answer_bytes[0]}
