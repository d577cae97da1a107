from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Body, Router

from jingmin.apitypes import Limit, Offset
from jingmin.geo import layers
from jingmin.geo.layerauth import LAYER_AUTH
from jingmin.org import roles
from jingmin.places import actions
from jingmin.places.layers import apply_place_filters
from jingmin.places.models import Category, Place

BODY = Body(...)  # a JSON object; validated field by field in actions.py (translated errors)
router = Router(tags=["places"])


def place_out(p):
    return {
        "id": p.pk,
        "name": p.name,
        "category": p.category.code,
        "category_name": str(p.category),
        "risk": p.risk,
        "description": p.description,
        "address": p.address,
        "lat": p.lat,
        "lon": p.lon,
        "village": p.village.code,
        "village_name": p.village.name,
        "unit": p.unit.code,
        "last_visited_at": p.last_visited_at.isoformat() if p.last_visited_at else None,
        "active": p.active,
        "photo": f"/places/{p.pk}/photo/" if p.photo else None,
    }


def _places(request):
    roles.require(request.user, "places.view")
    return Place.objects.visible_to(request.user).select_related("category", "village", "unit")


@router.get("/place-categories")
def categories(request):
    """The categories of places with crime indicators (editable configuration)."""
    roles.require(request.user, "places.view")
    return [
        {"code": c.code, "name": str(c), "name_en": c.name_en} for c in Category.objects.filter(active=True)
    ]


@router.get("/places")
def list_places(
    request,
    category: str | None = None,
    risk: str | None = None,
    unit: str | None = None,
    not_visited_days: str | None = None,
    q: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
):
    """Places with crime indicators in the caller's jurisdiction (filters: category, risk, unit, not visited for N days)."""
    qs = apply_place_filters(_places(request), locals())
    return {"count": qs.count(), "results": [place_out(p) for p in qs[offset : offset + limit]]}


@router.get("/places.geojson", auth=LAYER_AUTH)
def places_layer(request, bbox: str | None = None, zoom: str | None = None, category: str | None = None,
                 risk: str | None = None, unit: str | None = None, not_visited_days: str | None = None):  # fmt: skip
    """GeoJSON points in the viewport (``bbox=minlon,minlat,maxlon,maxlat``), or grid cells with counts
    when more than 2,000 points fall in it. The served area is the viewport grown to whole 256-pixel tiles
    of ``zoom`` (a superset, given back as ``bbox`` in the answer)."""
    layers.require("places", request.user)
    filters = {"category": category, "risk": risk, "unit": unit, "not_visited_days": not_visited_days}
    return HttpResponse(
        layers.answer("places", request.user, bbox, zoom, filters), content_type="application/json"
    )


@router.get("/places/{pk}")
def get_place(request, pk: int):
    return place_out(get_object_or_404(_places(request), pk=pk))


@router.post("/places", response={201: dict})
def create_place(request, payload: dict = BODY):
    """Register a place: the point assigns its village and beat. Fields: name, category (code), risk
    (1–3), description, address, lat, lon."""
    place = actions.create_place(acting_user=request.user, data=payload)
    return 201, place_out(place)


@router.patch("/places/{pk}")
def update_place(request, pk: int, payload: dict = BODY):
    place = get_object_or_404(_places(request), pk=pk)
    if not roles.can(request.user, "places.manage"):
        roles.require(request.user, "places.manage")
    return place_out(actions.update_place(acting_user=request.user, place=place, data=payload))
