from django.http import JsonResponse
from ninja import Router

from jingmin.geo.boundaries import district_features, unit_features, village_features

router = Router(tags=["geography"])


def _geojson(features):
    return JsonResponse({"type": "FeatureCollection", "features": features})


@router.get("/districts")
def districts(request, zoom: int | None = None):
    """GeoJSON FeatureCollection of the districts in the caller's jurisdiction."""
    return _geojson(district_features(request.user, zoom))


@router.get("/villages")
def villages(request, zoom: int | None = None, district: str | None = None):
    """GeoJSON FeatureCollection of the villages in the caller's jurisdiction, with district and beat."""
    return _geojson(village_features(request.user, zoom, district))


@router.get("/units.geojson")
def units_geojson(request, kind: str = "beat", zoom: int | None = None):
    """Unit boundaries (precinct, station or beat) the caller may see."""
    return _geojson(unit_features(request.user, kind, zoom))
