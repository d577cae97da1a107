"""Every write of the places app: validated, scoped, audited, atomic."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingmin.audit import log as audit
from jingmin.geo.locate import locate_values
from jingmin.org import roles
from jingmin.org.scoping import in_scope
from jingmin.places.models import Category, Place, Risk

FIELDS = ["name", "category", "risk", "description", "address", "lat", "lon", "active"]


def _category(value):
    if isinstance(value, Category):
        return value
    category = Category.objects.filter(code=value, active=True).first() if value else None
    if category is None:
        raise ValidationError({"category": _("Unknown category: %(code)s") % {"code": value or "-"}})
    return category


def validate(user, data, place=None):
    """Cleaned values (category object, village, unit) or ValidationError with every field's reason."""
    errors = {}
    out = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = [_("This field is required.")]
    out["name"] = name
    try:
        out["category"] = _category(data.get("category"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    risk = data.get("risk", Risk.MEDIUM)
    try:
        risk = int(risk)
    except (TypeError, ValueError):
        risk = None
    if risk not in Risk.values:
        errors["risk"] = [_("Risk level must be 1 (low), 2 (medium) or 3 (high).")]
    out["risk"] = risk
    for key in ("description", "address"):
        out[key] = (data.get(key) or "").strip()
    out["active"] = bool(data.get("active", True))
    try:
        village, unit, lat, lon = locate_values(data.get("lat"), data.get("lon"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    else:
        if not in_scope(user, unit):
            errors["lat"] = [_("This point is outside your jurisdiction.")]
        out.update(lat=lat, lon=lon, village=village, unit=unit)
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def create_place(*, acting_user, data, photo=None, demo=False):
    roles.require(acting_user, "places.manage")
    values = validate(acting_user, data)
    place = Place.objects.create(**values, photo=photo or "", created_by=acting_user, is_demo=demo)
    audit.record(
        "places.create",
        actor=acting_user,
        obj=place,
        unit=place.unit,
        extra={"category": place.category.code, "risk": place.risk, "village": place.village.code},
    )
    return place


@transaction.atomic
def update_place(*, acting_user, place, data, photo=None):
    roles.require(acting_user, "places.manage")
    if not in_scope(acting_user, place.unit):
        raise PermissionDenied(_("This record is outside your jurisdiction."))
    merged = {
        "name": place.name,
        "category": place.category,
        "risk": place.risk,
        "description": place.description,
        "address": place.address,
        "lat": place.lat,
        "lon": place.lon,
        "active": place.active,
        **{k: v for k, v in data.items() if v is not None or k in ("description", "address")},
    }
    values = validate(acting_user, merged, place)
    changed = sorted(k for k, v in values.items() if getattr(place, k) != v)
    for key, value in values.items():
        setattr(place, key, value)
    if photo:
        place.photo = photo
        changed.append("photo")
    place.save()
    audit.record("places.update", actor=acting_user, obj=place, unit=place.unit, extra={"changed": changed})
    return place
