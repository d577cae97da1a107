"""Boundary layers (districts, villages, units) as GeoJSON features, all scoped through ``visible_to``."""

from django.core.cache import cache

from jingmin.geo.geojson import feature, simplify
from jingmin.org.models import District, Unit, Village
from jingmin.org.scoping import user_unit


def district_features(user, zoom=None):
    qs = District.objects.all()
    if not user.is_superuser:
        unit = user_unit(user)
        if unit is None or not user.is_active:
            return []
        visible_villages = Village.objects.visible_to(user)
        qs = qs.filter(pk__in=visible_villages.values("district_id"))
    return [
        feature(d.boundary, {"code": d.code, "name": d.name, "name_en": d.name_en}, zoom, d.code) for d in qs
    ]


def village_features(user, zoom=None, district=None):
    qs = Village.objects.visible_to(user).select_related("district", "beat")
    if district:
        qs = qs.filter(district__code=district)
    return [
        feature(
            v.boundary,
            {
                "code": v.code,
                "name": v.name,
                "name_en": v.name_en,
                "district": v.district.code,
                "district_name": v.district.name,
                "beat": v.beat.code if v.beat else None,
                "beat_name": v.beat.name if v.beat else None,
            },
            zoom,
            v.code,
        )
        for v in qs
    ]


def unit_features(user, kind, zoom=None):
    if kind not in Unit.Kind.values:
        return []
    qs = Unit.objects.visible_to(user, "org.view_units").filter(kind=kind, boundary__isnull=False)
    return [
        feature(
            u.boundary,
            {"code": u.code, "name": u.name, "name_en": u.name_en, "kind": u.kind, "parent": u.path},
            zoom,
            u.code,
        )
        for u in qs
    ]


def base_villages(zoom=None):
    """Every village outline with its name (public civil geography: 內政部 村里界圖), cached."""
    key = f"jingmin:base-villages:{zoom}:{Village.objects.count()}"
    data = cache.get(key)
    if data is None:
        data = [
            {
                "type": "Feature",
                "id": code,
                "properties": {"code": code, "name": name, "district": dname},
                "geometry": simplify(boundary, zoom),
            }
            for code, name, dname, boundary in Village.objects.values_list(
                "code", "name", "district__name", "boundary"
            )
        ]
        cache.set(key, data, 3600)
    return data
