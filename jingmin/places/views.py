from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from jingmin.exports import table_response
from jingmin.forms import apply_errors
from jingmin.org import roles
from jingmin.places import actions
from jingmin.places.forms import PlaceForm
from jingmin.places.layers import apply_place_filters
from jingmin.places.models import Category, Place, Risk


def require(user, capability):
    if not roles.can(user, capability):
        raise PermissionDenied(_("You do not have permission to see this page."))


def _places(request):
    require(request.user, "places.view")
    return Place.objects.visible_to(request.user).select_related(
        "category", "village", "village__district", "unit"
    )


EXPORT_COLUMNS = [
    "id",
    "name",
    "category",
    "risk",
    "address",
    "lat",
    "lon",
    "village",
    "district",
    "unit",
    "last_visited_at",
    "active",
]


def _export_rows(qs):
    for p in qs.iterator(chunk_size=2000):
        yield [
            p.pk, p.name, p.category.code, p.risk, p.address, p.lat, p.lon, p.village.name,
            p.village.district.name, p.unit.code, p.last_visited_at.isoformat() if p.last_visited_at else "", p.active,
        ]  # fmt: skip


@login_required
def place_list(request):
    qs = _places(request)
    filters = {k: request.GET.get(k, "") for k in ("category", "risk", "unit", "not_visited_days", "q")}
    error = None
    try:
        qs = apply_place_filters(qs, filters)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return export(request, qs, fmt)
    return render(
        request,
        "places/place_list.html",
        {
            "places": qs[:500],
            "count": qs.count(),
            "filters": filters,
            "error": error,
            "categories": Category.objects.filter(active=True),
            "risks": Risk.choices,
            "can_manage": roles.can(request.user, "places.manage"),
            "can_import": roles.can(request.user, "places.import"),
            "query": request.GET.urlencode(),
        },
    )


def export(request, qs, fmt):
    """The places of the jurisdiction (with the list's filters) as CSV or XLSX."""
    from jingmin.audit import log as audit

    audit.record(
        "places.export",
        actor=request.user,
        obj=("places.place", "export"),
        extra={"format": fmt, "count": qs.count()},
    )
    return table_response(fmt, "places", EXPORT_COLUMNS, _export_rows(qs))


@login_required
def place_detail(request, pk):
    place = get_object_or_404(_places(request), pk=pk)
    visits = place.visits.select_related("officer")[:20] if roles.can(request.user, "visits.view") else []
    return render(
        request,
        "places/place_detail.html",
        {"place": place, "visits": visits, "can_manage": roles.can(request.user, "places.manage"),
         "can_log": roles.can(request.user, "visits.log")},
    )  # fmt: skip


@login_required
def place_photo(request, pk):
    """A place's photo, served only to users who may see the place (media files are not public)."""
    from django.http import FileResponse, Http404

    place = get_object_or_404(_places(request), pk=pk)
    if not place.photo:
        raise Http404
    response = FileResponse(place.photo.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def place_form(request, pk=None):
    require(request.user, "places.manage")
    place = get_object_or_404(_places(request), pk=pk) if pk else None
    initial = {}
    if place is not None:
        initial = {
            k: getattr(place, k) for k in ("name", "risk", "address", "description", "lat", "lon", "active")
        }
        initial["category"] = place.category.code
    form = PlaceForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        photo = data.pop("photo", None)
        try:
            if place is None:
                place = actions.create_place(acting_user=request.user, data=data, photo=photo)
            else:
                place = actions.update_place(acting_user=request.user, place=place, data=data, photo=photo)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Place saved."))
            return redirect("places:detail", pk=place.pk)
    return render(
        request, "places/place_form.html", {"form": form, "place": place, "tile_url": settings.TILE_URL}
    )


@login_required
def emap(request):
    """The e-map: places with crime indicators and persons (or counts per village), filtered."""
    if not (roles.can(request.user, "places.view") or roles.can(request.user, "people.map_counts")):
        raise PermissionDenied(_("You do not have permission to see this page."))

    config = {
        "tileUrl": settings.TILE_URL,
        "tileAttribution": settings.TILE_ATTRIBUTION,
        "urls": {
            "places": "/api/v1/places.geojson" if roles.can(request.user, "places.view") else None,
            "persons": "/api/v1/persons.geojson",
            "base": "/map/base-villages.geojson",
            "villages": "/api/v1/villages?zoom=13",
        },
        "labels": {
            "places": _("Places with crime indicators"),
            "persons": _("Persons")
            if roles.can(request.user, "people.view")
            else _("Persons (count per village)"),
            "count": _("count"),
            "risk": _("risk level"),
            "lastVisited": _("last visited"),
            "never": _("never"),
            "tilesFailed": _("Base map tiles could not load; the vector layers still work."),
            "villages": _("Villages in my jurisdiction"),
        },
        "detailUrl": "/places/",
    }
    return render(
        request,
        "places/emap.html",
        {"config": config, "categories": Category.objects.filter(active=True), "risks": Risk.choices},
    )
