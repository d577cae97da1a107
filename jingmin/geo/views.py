from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from jingmin.geo.boundaries import base_villages
from jingmin.org.roles import can
from jingmin.org.scoping import user_unit


@login_required
def map_page(request):
    if not can(request.user, "geo.view_map"):
        raise PermissionDenied(_("You do not have permission to see this page."))
    unit = user_unit(request.user)
    config = {
        "tileUrl": settings.TILE_URL,
        "tileAttribution": settings.TILE_ATTRIBUTION,
        "ownUnit": unit.code if unit else None,
        "ownKind": unit.kind if unit else None,
        "urls": {
            "base": "/map/base-villages.geojson",
            "villages": "/api/v1/villages",
            "districts": "/api/v1/districts",
            "units": "/api/v1/units.geojson",
        },
        "labels": {
            "districts": _("Districts"),
            "villages": _("Villages (all of Tainan)"),
            "myVillages": _("Villages in my jurisdiction"),
            "precinct": _("Precincts"),
            "station": _("Stations"),
            "beat": _("Beats"),
            "tilesFailed": _("Base map tiles could not load; the vector layers still work."),
            "beatLabel": _("Beat"),
            "district": _("District"),
        },
    }
    return render(request, "geo/map.html", {"config": config, "unit": unit})


@login_required
def base_villages_geojson(request):
    """Outlines of all villages (public civil geography), for the base layer of the map."""
    if not can(request.user, "geo.view_map"):
        raise PermissionDenied
    zoom = request.GET.get("zoom")
    zoom = int(zoom) if zoom and zoom.isdigit() else 12
    response = JsonResponse({"type": "FeatureCollection", "features": base_villages(zoom)})
    response["Cache-Control"] = "private, max-age=3600"
    return response
