"""E-map layers for places and persons: GeoJSON points in a viewport, or a grid aggregation when the
viewport holds more than ``MAX_POINTS`` points. Every query goes through ``visible_to``.

The served area is the viewport grown to whole 256-pixel web-map tiles of the zoom (a superset; the
answer names it in ``bbox``), so that answers can be cached as bytes per (layer, scope, filters, zoom,
tiles) in :mod:`places.pointcache`, used while the data versions read with the caller's token (one query,
:mod:`places.layerctx`) are unchanged. Grid cells are 64 pixels, a quarter tile, so a snapped area holds
whole cells and the per-zoom aggregation of the jurisdiction's points is computed once and sliced."""

import json
import math
import time

import numpy as np
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from jingmin.geo.proj import TAINAN_BBOX
from jingmin.org import roles
from jingmin.org.models import Village
from jingmin.places import pointcache

MAX_POINTS = 2000
CELL_PIXELS = 64


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


def in_bbox(qs, bbox):
    lon0, lat0, lon1, lat1 = bbox
    return qs.filter(lon__gte=lon0, lon__lte=lon1, lat__gte=lat0, lat__lte=lat1)


def point(lon, lat, props, fid=None):
    f = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
        "properties": props,
    }
    if fid is not None:
        f["id"] = fid
    return f


def collection(features, **meta):
    return {"type": "FeatureCollection", "features": features, **meta}


def scope_key(user):
    """The jurisdiction part of a cache key: "all" (superuser), the unit's path, or "none"."""
    from jingmin.org.scoping import user_unit

    if user.is_superuser:
        return "all"
    unit = user_unit(user)
    return unit.path if unit is not None else "none"


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


def _cell_features(cells, risk=True):
    gx, gy, counts, mlon, mlat, maxrisk = cells
    if risk:
        return [
            f'{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{_fmt(x)},{_fmt(y)}]}},'
            f'"properties":{{"count":{n},"cluster":true,"risk":{r}}}}}'
            for x, y, n, r in zip(
                mlon.tolist(), mlat.tolist(), counts.tolist(), maxrisk.tolist(), strict=True
            )
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


def _grid(points, idx, zoom, tiles, risk, exact_subset):
    """Grid cells of the points ``idx`` (all inside the snapped area). Whole cells of the snapped area
    come from the point set's per-zoom aggregation unless ``idx`` is a filtered subset."""
    size = cell_size(zoom)
    if exact_subset:
        r = points.cols["risk"][idx] if risk else None
        return pointcache.aggregate(points.lon[idx], points.lat[idx], size, r)
    per_tile = round(360.0 / 2**zoom / size)
    return pointcache.cells_in(points.cells(size), *(t * per_tile for t in tiles))


def places_geojson(user, bbox=None, zoom=None, filters=None):
    """The places layer as a dict (see :func:`places_answer` for the bytes the API sends)."""
    return json.loads(places_answer(user, bbox, zoom, filters))


def places_answer(user, bbox=None, zoom=None, filters=None):
    """GeoJSON bytes of the caller's active places in the tile-snapped viewport: points, or grid cells
    with counts above ``MAX_POINTS``. Cached per (scope, filters, zoom, area) while nothing changed."""
    from jingmin.places import layerctx

    bbox = parse_bbox(bbox)
    zoom = parse_zoom(zoom)
    filters = clean_place_filters(filters)
    tiles, area = snap(bbox, zoom)
    may = roles.can(user, "places.view")
    scope = scope_key(user) if may else "denied"
    versions = layerctx.versions_of(user)
    stamp = None if versions is None else (versions[0], versions[2])
    key = ("places", scope, tuple(sorted(filters.items())), zoom, tiles, MAX_POINTS)
    now = time.time()
    body = pointcache.get_answer(key, stamp, now)
    if body is not None:
        return body
    days = filters.pop("not_visited_days", None)
    set_key = ("places", scope, tuple(sorted(filters.items())))
    points = pointcache.get_points(set_key, stamp, lambda: _build_places(user, filters))
    idx = points.window(area)
    valid_until = None
    if days is not None:
        last = points.cols["last"][idx]
        keep = np.isnan(last) | (last < now - days * 86400)
        if not keep.all():  # the answer grows when one of the others reaches N days without a visit
            valid_until = float((last[~keep] + days * 86400).min())
        idx = idx[keep]
    if idx.size > MAX_POINTS:
        cells = _grid(points, idx, zoom, tiles, True, days is not None)
        body = _body(_cell_features(cells), True, int(cells[2].sum()), zoom, area)
    else:
        last = points.cols["last"][idx]
        known = ~np.isnan(last)
        since = np.full(idx.size, -1, dtype=np.int64)
        since[known] = np.floor((now - last[known]) / 86400).astype(np.int64)
        if known.any():  # days since the last visit change at these moments
            turn = float((last[known] + (since[known] + 1) * 86400).min())
            valid_until = turn if valid_until is None else min(valid_until, turn)
        head, tail = points.head, points.tail
        features = [
            head[i] + (str(d) if k else "null") + tail[i]
            for i, d, k in zip(idx.tolist(), since.tolist(), known.tolist(), strict=True)
        ]
        body = _body(features, False, int(idx.size), zoom, area)
    pointcache.put_answer(key, stamp, valid_until, body)
    return body


def _build_places(user, filters):
    from jingmin.places.models import Place

    qs = apply_place_filters(Place.objects.visible_to(user).filter(active=True), filters)
    rows = list(qs.values_list("pk", "lon", "lat", "name", "category__code", "risk", "last_visited_at"))
    text = pointcache.json_text
    lons = [round(float(r[1]), 6) for r in rows]
    lats = [round(float(r[2]), 6) for r in rows]
    categories = {}
    head, tail, last = [], [], []
    for (pk, _lon, _lat, name, category, risk, visited), lon, lat in zip(rows, lons, lats, strict=True):
        cat = categories.get(category)
        if cat is None:
            cat = categories[category] = text(category)
        head.append(
            f'{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{lon!r},{lat!r}]}},'
            f'"properties":{{"name":{text(name)},"category":{cat},"risk":{risk},'
            f'"last_visited":{text(visited.isoformat()) if visited else "null"},"days_since_visit":'
        )
        tail.append(f'}},"id":{pk}}}')
        last.append(visited.timestamp() if visited else np.nan)
    return pointcache.PointSet(
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
        {"risk": np.array([r[5] for r in rows], dtype=np.int64), "last": np.array(last, dtype=np.float64)},
        head,
        tail,
    )


def clean_place_filters(filters):
    """The layer's filters without empty values, validated and normalised (translated field errors)."""
    from jingmin.places.models import Risk

    out = {k: v for k, v in (filters or {}).items() if v not in (None, "") and k in PLACE_FILTERS}
    if "risk" in out:
        try:
            out["risk"] = int(out["risk"])
        except (TypeError, ValueError):
            out["risk"] = None
        if out["risk"] not in Risk.values:
            raise ValidationError({"risk": _("Risk level must be 1 (low), 2 (medium) or 3 (high).")})
    if "not_visited_days" in out:
        try:
            out["not_visited_days"] = int(out["not_visited_days"])
        except (TypeError, ValueError):
            raise ValidationError({"not_visited_days": _("Enter a whole number.")})
    for k in ("category", "unit", "q"):
        if k in out:
            out[k] = str(out[k])
    return out


PLACE_FILTERS = ("category", "risk", "unit", "not_visited_days", "q")


def apply_place_filters(qs, filters):
    from jingmin.places.models import Risk

    category = filters.get("category")
    if category:
        qs = qs.filter(category__code=category)
    risk = filters.get("risk")
    if risk not in (None, ""):
        try:
            risk = int(risk)
        except (TypeError, ValueError):
            risk = None
        if risk not in Risk.values:
            raise ValidationError({"risk": _("Risk level must be 1 (low), 2 (medium) or 3 (high).")})
        qs = qs.filter(risk=risk)
    unit = filters.get("unit")
    if unit:
        qs = qs.filter(unit__path__contains=f"/{unit}/")
    days = filters.get("not_visited_days")
    if days not in (None, ""):
        try:
            days = int(days)
        except (TypeError, ValueError):
            raise ValidationError({"not_visited_days": _("Enter a whole number.")})
        from django.db.models import Q

        limit = timezone.now() - timezone.timedelta(days=days)
        qs = qs.filter(Q(last_visited_at__isnull=True) | Q(last_visited_at__lt=limit))
    q = filters.get("q")
    if q:
        qs = qs.filter(name__icontains=q)
    return qs


def persons_geojson(user, bbox=None, zoom=None):
    """The persons layer as a dict (see :func:`persons_answer`)."""
    return json.loads(persons_answer(user, bbox, zoom))


def persons_answer(user, bbox=None, zoom=None):
    """Persons as points for roles that may read them; otherwise counts per village (no points)."""
    from jingmin.places import layerctx

    bbox = parse_bbox(bbox)
    zoom = parse_zoom(zoom)
    tiles, area = snap(bbox, zoom)
    today = timezone.localdate()
    if roles.can(user, "people.view"):
        mode = "points"
    elif roles.can(user, "people.map_counts"):
        mode = "village-counts"
    else:
        return _body([], False, 0, zoom, area, "none")
    scope = scope_key(user)
    versions = layerctx.versions_of(user)
    stamp = None if versions is None else (versions[1], versions[2])
    key = ("persons", mode, scope, today.isoformat(), zoom, tiles, MAX_POINTS)
    body = pointcache.get_answer(key, stamp, time.time())
    if body is not None:
        return body
    if mode == "points":
        set_key = ("persons", scope, today.isoformat())
        points = pointcache.get_points(set_key, stamp, lambda: _build_persons(user, today))
        idx = points.window(area)
        if idx.size > MAX_POINTS:
            cells = _grid(points, idx, zoom, tiles, False, False)
            body = _body(_cell_features(cells, risk=False), True, int(cells[2].sum()), zoom, area, mode)
        else:
            head = points.head
            body = _body([head[i] for i in idx.tolist()], False, int(idx.size), zoom, area, mode)
    else:
        body = _village_counts(user, today, zoom, area)
    pointcache.put_answer(key, stamp, None, body)
    return body


def _build_persons(user, today):
    from jingmin.people.models import Person

    qs = Person.objects.visible_to(user).listed(today)
    rows = list(qs.values_list("pk", "lon", "lat", "name", "kind", "category__code", "whereabouts_unknown"))
    text = pointcache.json_text
    lons = [round(float(r[1]), 6) for r in rows]
    lats = [round(float(r[2]), 6) for r in rows]
    head = [
        f'{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{lon!r},{lat!r}]}},'
        f'"properties":{{"name":{text(name)},"kind":{text(kind)},"category":{text(category)},'
        f'"whereabouts_unknown":{"true" if unknown else "false"}}},"id":{pk}}}'
        for (pk, _x, _y, name, kind, category, unknown), lon, lat in zip(rows, lons, lats, strict=True)
    ]
    return pointcache.PointSet([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], {}, head)


def _village_counts(user, today, zoom, area):
    from jingmin.people.models import Person

    villages = Village.objects.visible_to(user)
    lon0, lat0, lon1, lat1 = area
    villages = villages.filter(
        centroid_lon__gte=lon0, centroid_lon__lt=lon1, centroid_lat__gte=lat0, centroid_lat__lt=lat1
    )
    counts = dict(
        Person.objects.listed(today)
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
    return _body(features, True, sum(counts.values()), zoom, area, "village-counts")


def zoom_for_bbox(bbox):
    lon0, _lat0, lon1, _lat1 = bbox
    return max(0, min(20, int(math.log2(360 / max(lon1 - lon0, 1e-6)))))
