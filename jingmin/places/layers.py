"""The places layer of the e-map (犯罪徵候處所 as points, grid cells with the highest risk above the point
limit), declared for the map-layer framework of :mod:`jingmin.geo.layers`, and the places' filters."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jingmin.geo.layers import PointLayer, register


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
        limit = timezone.now() - timezone.timedelta(days=days)
        qs = qs.filter(Q(last_visited_at__isnull=True) | Q(last_visited_at__lt=limit))
    q = filters.get("q")
    if q:
        qs = qs.filter(name__icontains=q)
    return qs


class PlacesLayer(PointLayer):
    """Active places the caller may see, with their days since the last visit."""

    key = "places"
    points_capability = "places.view"
    fields = {"name": "name", "category": "category__code", "risk": "risk"}
    age = ("last_visited", "days_since_visit", "last_visited_at")
    age_filter = "not_visited_days"
    cluster_max = "risk"
    filters = PLACE_FILTERS

    def rows(self, user, filters, day):
        from jingmin.places.models import Place

        return apply_place_filters(Place.objects.visible_to(user).filter(active=True), filters)

    def clean_filters(self, filters):
        return clean_place_filters(filters)


register(PlacesLayer)
