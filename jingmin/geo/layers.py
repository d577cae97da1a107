"""The e-map point layers: a registry of layers that apps declare, served, cached and versioned here.

An app declares its layers in its own ``layers.py`` (found at start-up for every installed app, see
:class:`jingmin.geo.apps.GeoConfig`): a :class:`PointLayer` subclass naming its key, the rows each caller
may see (a ``visible_to`` query), what each role may see (points, or only counts per village), the
feature's properties, and calls :func:`register`. The app's API route hands the request to :func:`answer`.

An answer is GeoJSON points in a viewport, or a grid aggregation when the viewport holds more than
``MAX_POINTS`` points. The served area is the viewport grown to whole 256-pixel web-map tiles of the zoom
(a superset; the answer names it in ``bbox``), so that answers can be cached as bytes per (layer, scope,
mode, filters, day, zoom, tiles) in :mod:`jingmin.geo.pointcache`, used while the data versions read with
the caller's token (one query, :mod:`jingmin.geo.layerauth`) are unchanged. Grid cells are 64 pixels, a
quarter tile, so a snapped area holds whole cells and the per-zoom aggregation of the jurisdiction's
points is computed once and sliced."""

import datetime
import json
import math
import time

import numpy as np
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from jingmin.geo import pointcache
from jingmin.geo import versions as layer_versions
from jingmin.geo.proj import TAINAN_BBOX
from jingmin.org import roles
from jingmin.org.models import Village
from jingmin.org.scoping import EVERYWHERE, jurisdiction

MAX_POINTS = 2000
CELL_PIXELS = 64
POINTS, COUNTS, NONE = "points", "village-counts", "none"
_registry = {}


class PointLayer:
    """A layer of points. Subclasses set the attributes and :meth:`rows` (and :meth:`counted` for counts)."""

    #: the layer's name: its cache keys, and ``/api/v1/<key>.geojson`` by convention
    key = None
    #: the version keys its answers depend on (default: its own key and ``org``, the jurisdiction tree)
    versions = None
    #: roles with this capability see the points
    points_capability = None
    #: roles with only this capability see counts per village (no points); None: no counts
    counts_capability = None
    #: feature properties in order: property name → ``values_list`` lookup
    fields = {}
    #: (date property, days property, lookup): the datetime ``lookup`` and the whole days since it, written
    #: after ``fields``; answers that show it expire when a shown count of days changes
    age = None
    #: a filter keeping the points whose ``age`` datetime is empty or more than N days old (on the cache)
    age_filter = None
    #: a numeric property whose maximum each grid cell carries
    cluster_max = None
    #: the rows depend on the day (the cache keys hold it)
    per_day = False
    #: answers say which ``mode`` they are in
    show_mode = False
    #: the filters :meth:`clean_filters` accepts
    filters = ()

    def rows(self, user, filters, day):
        """The rows ``user`` may see, filtered: a ``visible_to`` queryset."""
        raise ImproperlyConfigured(f"Layer {self.key!r} declares no rows.")

    def counted(self, day):
        """All rows counted per village for the roles that see counts (the villages are scoped here)."""
        raise ImproperlyConfigured(f"Layer {self.key!r} declares no counted rows.")

    def clean_filters(self, filters):
        """The filters without empty values or unknown names; subclasses validate and normalise them."""
        return {k: v for k, v in (filters or {}).items() if v not in (None, "") and k in self.filters}

    def version_keys(self):
        return tuple(self.versions) if self.versions is not None else (self.key, "org")

    def mode(self, user):
        if roles.can(user, self.points_capability):
            return POINTS
        if self.counts_capability and roles.can(user, self.counts_capability):
            return COUNTS
        return NONE


def register(layer):
    """Add a layer instance (or class) to the registry; a key registered twice is a configuration error."""
    if isinstance(layer, type):
        layer = layer()
    if not layer.key or not layer.points_capability:
        raise ImproperlyConfigured("A layer needs a key and a points capability.")
    known = _registry.get(layer.key)
    if known is not None and type(known) is not type(layer):
        raise ImproperlyConfigured(f"Two layers are registered as {layer.key!r}.")
    _registry[layer.key] = layer
    layer_versions.NEEDED.update(layer.version_keys())
    return layer


def get(key):
    """The registered layer ``key`` (LookupError when none is)."""
    try:
        return _registry[key]
    except KeyError:
        raise LookupError(f"No map layer {key!r} is registered.") from None


def registered():
    return dict(_registry)


def parse_bbox(value):
    """ "minlon,minlat,maxlon,maxlat" → tuple (Tainan's extent when empty)."""
    if not value:
        return TAINAN_BBOX
    try:
        parts = [float(p) for p in str(value).split(",")]
    except ValueError:
        parts = []
    if len(parts) != 4 or parts[0] >= parts[2] or parts[1] >= parts[3]:
        raise ValidationError({"bbox": _("bbox must be four numbers: min lon, min lat, max lon, max lat.")})
    return tuple(parts)


def parse_zoom(value):
    if value in (None, ""):
        return 12
    try:
        zoom = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"zoom": _("zoom must be a whole number from 0 to 20.")})
    if not 0 <= zoom <= 20:
        raise ValidationError({"zoom": _("zoom must be a whole number from 0 to 20.")})
    return zoom


def cell_size(zoom):
    """Grid cell in degrees: about ``CELL_PIXELS`` screen pixels at this web-map zoom."""
    return 360.0 / (256 * 2**zoom) * CELL_PIXELS


def point(lon, lat, props, fid=None):
    f = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
        "properties": props,
    }
    if fid is not None:
        f["id"] = fid
    return f


def scope_key(user):
    """The jurisdiction part of a cache key: "all" (superuser), the unit's path, or "none"."""
    root = jurisdiction(user)
    if root is EVERYWHERE:
        return "all"
    return root.path if root is not None else "none"


def snap(bbox, zoom):
    """The served area: ``bbox`` grown to whole 256-pixel web-map tiles of ``zoom`` (in degrees), as tile
    indexes (tx0, ty0, tx1, ty1) and the area (lon0, lat0, lon1, lat1), lon0 ≤ lon < lon1."""
    tile = 360.0 / 2**zoom
    lon0, lat0, lon1, lat1 = bbox
    t = (
        math.floor(lon0 / tile),
        math.floor(lat0 / tile),
        math.floor(lon1 / tile) + 1,
        math.floor(lat1 / tile) + 1,
    )
    return t, (t[0] * tile, t[1] * tile, t[2] * tile, t[3] * tile)


def _fmt(x):
    return repr(round(float(x), 6))


def _cell_features(cells, with_max=None):
    gx, gy, counts, mlon, mlat, maxima = cells
    if with_max:
        return [
            f'{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{_fmt(x)},{_fmt(y)}]}},'
            f'"properties":{{"count":{n},"cluster":true,"{with_max}":{r}}}}}'
            for x, y, n, r in zip(mlon.tolist(), mlat.tolist(), counts.tolist(), maxima.tolist(), strict=True)
        ]
    return [
        f'{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{_fmt(x)},{_fmt(y)}]}},'
        f'"properties":{{"count":{n},"cluster":true}}}}'
        for x, y, n in zip(mlon.tolist(), mlat.tolist(), counts.tolist(), strict=True)
    ]


def _body(features, aggregated, total, zoom, area, mode=None):
    meta = (
        f'"aggregated":{"true" if aggregated else "false"},"total":{total},"zoom":{zoom},'
        f'"bbox":[{",".join(repr(v) for v in area)}]'
    )
    if mode is not None:
        meta += f',"mode":"{mode}"'
    return f'{{"type":"FeatureCollection","features":[{",".join(features)}],{meta}}}'.encode()


def _grid(points, idx, zoom, tiles, with_max, exact_subset):
    """Grid cells of the points ``idx`` (all inside the snapped area). Whole cells of the snapped area
    come from the point set's per-zoom aggregation unless ``idx`` is a filtered subset."""
    size = cell_size(zoom)
    if exact_subset:
        r = points.cols["max"][idx] if with_max else None
        return pointcache.aggregate(points.lon[idx], points.lat[idx], size, r)
    per_tile = round(360.0 / 2**zoom / size)
    return pointcache.cells_in(points.cells(size), *(t * per_tile for t in tiles))


def geojson(key, user, bbox=None, zoom=None, filters=None):
    """The layer ``key`` as a dict (see :func:`answer` for the bytes the API sends)."""
    return json.loads(answer(key, user, bbox, zoom, filters))


def require(key, user):
    """PermissionDenied (403) unless the user's role sees the layer (points or counts)."""
    if get(key).mode(user) == NONE:
        roles.require(user, get(key).points_capability)


def answer(key, user, bbox=None, zoom=None, filters=None):
    """GeoJSON bytes of layer ``key`` for ``user`` in the tile-snapped viewport: points, or grid cells with
    counts above ``MAX_POINTS``, or (roles that see only counts) counts per village. Cached per (scope,
    mode, filters, day, zoom, area) while the layer's versions are unchanged."""
    from jingmin.geo import layerauth

    layer = get(key)
    bbox = parse_bbox(bbox)
    zoom = parse_zoom(zoom)
    filters = layer.clean_filters(filters)
    tiles, area = snap(bbox, zoom)
    mode = layer.mode(user)
    shown = mode if layer.show_mode else None
    if mode == NONE:
        return _body([], False, 0, zoom, area, shown)
    day = timezone.localdate() if layer.per_day else None
    scope = scope_key(user)
    versions = layerauth.versions_of(user)
    stamp = None if versions is None else tuple(versions.get(k) for k in layer.version_keys())
    limit = MAX_POINTS
    key_filters = tuple(sorted(filters.items()))
    cache_key = (layer.key, scope, mode, key_filters, day and day.isoformat(), zoom, tiles, limit)
    now = time.time()
    body = pointcache.get_answer(cache_key, stamp, now)
    if body is not None:
        return body
    if mode == COUNTS:
        body = _village_counts(layer, user, day, zoom, area, shown)
        pointcache.put_answer(cache_key, stamp, None, body)
        return body
    days = filters.pop(layer.age_filter, None) if layer.age_filter else None
    set_key = (layer.key, scope, tuple(sorted(filters.items())), day and day.isoformat())
    points = pointcache.get_points(set_key, stamp, lambda: _build(layer, user, filters, day))
    idx = points.window(area)
    valid_until = None
    if days is not None:
        last = points.cols["age"][idx]
        keep = np.isnan(last) | (last < now - days * 86400)
        if not keep.all():  # the answer grows when one of the others reaches N days
            valid_until = float((last[~keep] + days * 86400).min())
        idx = idx[keep]
    if idx.size > limit:
        cells = _grid(points, idx, zoom, tiles, layer.cluster_max, days is not None)
        body = _body(_cell_features(cells, layer.cluster_max), True, int(cells[2].sum()), zoom, area, shown)
    elif layer.age:
        last = points.cols["age"][idx]
        known = ~np.isnan(last)
        since = np.full(idx.size, -1, dtype=np.int64)
        since[known] = np.floor((now - last[known]) / 86400).astype(np.int64)
        if known.any():  # days since the date change at these moments
            turn = float((last[known] + (since[known] + 1) * 86400).min())
            valid_until = turn if valid_until is None else min(valid_until, turn)
        head, tail = points.head, points.tail
        features = [
            head[i] + (str(d) if k else "null") + tail[i]
            for i, d, k in zip(idx.tolist(), since.tolist(), known.tolist(), strict=True)
        ]
        body = _body(features, False, int(idx.size), zoom, area, shown)
    else:
        head = points.head
        body = _body([head[i] for i in idx.tolist()], False, int(idx.size), zoom, area, shown)
    pointcache.put_answer(cache_key, stamp, valid_until, body)
    return body


def _value(value, cache):
    """A property value as JSON text (strings through a small per-build cache of repeated values)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return pointcache.json_text(value.isoformat())
    text = cache.get(value)
    if text is None:
        text = cache[value] = pointcache.json_text(str(value))
    return text


def _build(layer, user, filters, day):
    """The layer's point set for ``user``: one scoped query, each feature's JSON written once."""
    names = list(layer.fields)
    lookups = ["pk", "lon", "lat", *layer.fields.values()]
    if layer.age:
        lookups.append(layer.age[2])
    if layer.cluster_max:
        lookups.append(layer.fields[layer.cluster_max])
    rows = list(layer.rows(user, filters, day).values_list(*lookups))
    n = len(names)
    strings = {}
    head, tail, ages, maxima = [], [], [], []
    for row in rows:
        pk, lon, lat = row[0], round(float(row[1]), 6), round(float(row[2]), 6)
        props = ",".join(
            f'"{name}":{_value(v, strings)}' for name, v in zip(names, row[3 : 3 + n], strict=True)
        )
        start = f'{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{lon!r},{lat!r}]}},"properties":{{'
        if layer.age:
            when = row[3 + n]
            sep = "," if props else ""
            head.append(f'{start}{props}{sep}"{layer.age[0]}":{_value(when, strings)},"{layer.age[1]}":')
            tail.append(f'}},"id":{pk}}}')
            ages.append(when.timestamp() if when else np.nan)
        else:
            head.append(f'{start}{props}}},"id":{pk}}}')
        if layer.cluster_max:
            maxima.append(row[-1])
    cols = {}
    if layer.age:
        cols["age"] = np.array(ages, dtype=np.float64)
    if layer.cluster_max:
        cols["max"] = np.array(maxima, dtype=np.int64)
    return pointcache.PointSet(
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
        cols,
        head,
        tail if layer.age else None,
    )


def _village_counts(layer, user, day, zoom, area, shown):
    villages = Village.objects.visible_to(user)
    lon0, lat0, lon1, lat1 = area
    villages = villages.filter(
        centroid_lon__gte=lon0, centroid_lon__lt=lon1, centroid_lat__gte=lat0, centroid_lat__lt=lat1
    )
    counts = dict(
        layer.counted(day)
        .filter(village__in=villages.values("pk"))
        .values("village_id")
        .annotate(n=Count("id"))
        .values_list("village_id", "n")
    )
    features = [
        pointcache.dumps(
            point(
                v.centroid_lon,
                v.centroid_lat,
                {"village": v.code, "name": v.name, "count": counts[v.pk], "cluster": True},
            )
        )
        for v in Village.objects.filter(pk__in=list(counts)).only(
            "pk", "code", "name", "centroid_lat", "centroid_lon"
        )
    ]
    return _body(features, True, sum(counts.values()), zoom, area, shown)
