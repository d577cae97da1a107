"""E-map layers for places and persons: GeoJSON points in a viewport, or a grid aggregation when the
viewport holds more than ``MAX_POINTS`` points. Every query goes through ``visible_to``."""

import math

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


def _scope_key(user, capability):
    from jingmin.org.scoping import user_unit

    if user.is_superuser:
        return "all"
    unit = user_unit(user)
    return unit.path if unit is not None else "none"


def places_geojson(user, bbox=None, zoom=None, filters=None):
    from jingmin.places.models import Place

    bbox = parse_bbox(bbox)
    zoom = parse_zoom(zoom)
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    base = Place.objects.visible_to(user).filter(active=True)
    qs = apply_place_filters(base, filters)  # validates the filters even when the cache answers
    day = timezone.localdate().isoformat() if "not_visited_days" in filters else ""
    key = ("places", _scope_key(user, "places.view"), tuple(sorted(filters.items())), day)
    names = ["name", "category__code", "risk", "last_visited_at"]
    points = pointcache.get(key, Place, lambda: (list(qs.values_list("pk", "lon", "lat", *names)), names))
    idx = points.window(bbox)
    total = int(idx.size)
    if total > MAX_POINTS:
        cells = pointcache.grid_cells(points, idx, cell_size(zoom), points.props["risk"])
        features = [point(x, y, {"count": n, "cluster": True, "risk": r}) for x, y, n, r in cells]
        return collection(features, aggregated=True, total=total, zoom=zoom)
    now = timezone.now()
    props = points.props
    features = []
    for i in idx.tolist():
        last = props["last_visited_at"][i]
        features.append(
            point(
                points.lon[i],
                points.lat[i],
                {
                    "name": props["name"][i],
                    "category": props["category__code"][i],
                    "risk": props["risk"][i],
                    "last_visited": last.isoformat() if last else None,
                    "days_since_visit": (now - last).days if last else None,
                },
                int(points.ids[i]),
            )
        )
    return collection(features, aggregated=False, total=total, zoom=zoom)


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
    """Persons as points for roles that may read them; otherwise counts per village (no points)."""
    from jingmin.people.models import Person

    bbox = parse_bbox(bbox)
    zoom = parse_zoom(zoom)
    today = timezone.localdate()
    if roles.can(user, "people.view"):
        qs = Person.objects.visible_to(user).listed(today)
        key = ("persons", _scope_key(user, "people.view"), today.isoformat())
        names = ["name", "kind", "category__code", "whereabouts_unknown"]
        points = pointcache.get(
            key, Person, lambda: (list(qs.values_list("pk", "lon", "lat", *names)), names)
        )
        idx = points.window(bbox)
        total = int(idx.size)
        if total > MAX_POINTS:
            cells = pointcache.grid_cells(points, idx, cell_size(zoom))
            features = [point(x, y, {"count": n, "cluster": True}) for x, y, n, _r in cells]
            return collection(features, aggregated=True, total=total, zoom=zoom, mode="points")
        p = points.props
        features = [
            point(
                points.lon[i],
                points.lat[i],
                {"name": p["name"][i], "kind": p["kind"][i], "category": p["category__code"][i],
                 "whereabouts_unknown": p["whereabouts_unknown"][i]},
                int(points.ids[i]),
            )
            for i in idx.tolist()
        ]  # fmt: skip
        return collection(features, aggregated=False, total=total, zoom=zoom, mode="points")
    if not roles.can(user, "people.map_counts"):
        return collection([], aggregated=False, total=0, zoom=zoom, mode="none")
    villages = Village.objects.visible_to(user)
    lon0, lat0, lon1, lat1 = bbox
    villages = villages.filter(
        centroid_lon__gte=lon0, centroid_lon__lte=lon1, centroid_lat__gte=lat0, centroid_lat__lte=lat1
    )
    counts = dict(
        Person.objects.listed(today)
        .filter(village__in=villages.values("pk"))
        .values("village_id")
        .annotate(n=Count("id"))
        .values_list("village_id", "n")
    )
    features = [
        point(
            v.centroid_lon,
            v.centroid_lat,
            {"village": v.code, "name": v.name, "count": counts[v.pk], "cluster": True},
        )
        for v in villages.filter(pk__in=list(counts)).only(
            "pk", "code", "name", "centroid_lat", "centroid_lon"
        )
    ]
    return collection(features, aggregated=True, total=sum(counts.values()), zoom=zoom, mode="village-counts")


def zoom_for_bbox(bbox):
    lon0, _lat0, lon1, _lat1 = bbox
    return max(0, min(20, int(math.log2(360 / max(lon1 - lon0, 1e-6)))))
