"""Every write of the people app: validated, scoped, audited, atomic."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jingmin.audit import log as audit
from jingmin.geo.locate import locate_values
from jingmin.org import roles
from jingmin.org.fields import BIGINT_MAX
from jingmin.org.models import Unit
from jingmin.org.scoping import in_scope, user_unit
from jingmin.people import national_id
from jingmin.people.actions.notices import residence_notice
from jingmin.people.models import Category, Config, Household, Kind, Person
from jingmin.people.signals import person_moved
from jingmin.people.window import ImpossibleDates, visit_window

PERSON_FIELDS = [
    "kind",
    "category",
    "name",
    "national_id",
    "phone",
    "birth_date",
    "registered_address",
    "actual_address",
    "lat",
    "lon",
    "offence",
    "sentence_end",
    "parole_release",
    "parole_revoked_on",
    "notes",
    "household",
    "registered_unit",
]
DATE_FIELDS = ["birth_date", "sentence_end", "parole_release", "parole_revoked_on"]
IMPOSSIBLE = {
    "parole_revoked_on": gettext_lazy(
        "Parole cannot be revoked before the release on parole (or without one)."
    ),
    "sentence_end": gettext_lazy("The end of the sentence cannot be before the parole was revoked."),
    "parole_release": gettext_lazy("The release on parole cannot be after the end of the sentence."),
}


def _date(value, field, errors):
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors[field] = [_("Enter a valid date.")]
        return None


def window_years():
    return Config.get().concern_window_years


def validate_person(user, data, person=None):
    errors = {}
    out = {}
    kind = data.get("kind") or ""
    if kind not in Kind.values:
        errors["kind"] = [_("Unknown kind: %(kind)s") % {"kind": kind or "-"}]
    out["kind"] = kind
    category = data.get("category")
    if not isinstance(category, Category):
        code = category
        category = Category.objects.filter(code=code, active=True).first() if code else None
        if code and category is None:
            errors["category"] = [_("Unknown category: %(code)s") % {"code": code}]
    if kind in Kind.values and kind != Kind.GENERAL and category is None and "category" not in errors:
        errors["category"] = [_("Choose a category for this kind of person.")]
    if category is not None and kind in Kind.values and category.kind != kind:
        errors["category"] = [_("This category does not belong to the kind chosen.")]
    out["category"] = category
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = [_("This field is required.")]
    out["name"] = name[:60]
    raw_id = national_id.normalise(data.get("national_id"))
    if raw_id:
        try:
            national_id.validate(raw_id)
        except ValidationError as exc:
            errors["national_id"] = exc.messages
        else:
            clash = Person.find_by_national_id(raw_id)
            if person is not None:
                clash = clash.exclude(pk=person.pk)
            if clash.exists():
                errors["national_id"] = [_("A person with this ID number is already registered.")]
    elif kind == Kind.CONCERN:
        errors["national_id"] = [_("The ID number is required for a security-concern person.")]
    out["national_id"] = raw_id
    out["phone"] = (data.get("phone") or "").strip()[:40]
    for key in ("registered_address", "actual_address", "offence", "notes"):
        out[key] = (data.get(key) or "").strip()
    for key in DATE_FIELDS:
        out[key] = _date(data.get(key), key, errors)
    today = timezone.localdate()
    if out["birth_date"] and out["birth_date"] > today:
        errors["birth_date"] = [_("The date of birth cannot be in the future.")]
    if out["parole_release"] and out["parole_release"] > today:
        errors["parole_release"] = [_("The release on parole cannot be in the future.")]
    if out["parole_revoked_on"] and out["parole_revoked_on"] > today:
        errors["parole_revoked_on"] = [_("The revocation cannot be in the future.")]
    window = None
    if kind == Kind.CONCERN and not any(k in errors for k in DATE_FIELDS):
        try:
            window = visit_window(
                sentence_end=out["sentence_end"],
                parole_release=out["parole_release"],
                parole_revoked_on=out["parole_revoked_on"],
                years=window_years(),
            )
        except ImpossibleDates as exc:
            errors[exc.field] = [str(IMPOSSIBLE[exc.field])]
        else:
            if window is None:
                errors["sentence_end"] = [_("Give the end of the sentence or the release on parole.")]
    out["window_start"] = window.start if window else None
    out["window_end"] = window.end if window else None
    try:
        village, unit, lat, lon = locate_values(data.get("lat"), data.get("lon"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    else:
        out.update(village=village, unit=unit, lat=lat, lon=lon)
    registered = data.get("registered_unit")
    if registered and not isinstance(registered, Unit):
        registered = Unit.objects.defer("boundary").filter(code=str(registered)[:40]).first()
        if registered is None:
            errors["registered_unit"] = [_("Unknown unit.")]
    if not registered:
        own = user_unit(user)
        registered = (
            person.registered_unit
            if person is not None
            else (own if own is not None and own.kind == Unit.Kind.BEAT else out.get("unit"))
        )
    if registered is not None and not in_scope(user, registered) and "registered_unit" not in errors:
        if person is None or registered != person.registered_unit:
            errors["registered_unit"] = [_("This unit is outside your jurisdiction.")]
    out["registered_unit"] = registered
    household = data.get("household")
    if household not in (None, "") and not isinstance(household, Household):
        # only a household the user may see (out of scope answers exactly like a missing one)
        text = str(household).strip()
        if person is not None and person.household_id and text == str(person.household_id):
            household = person.household  # unchanged: kept even when it lies in another jurisdiction
        else:
            household = (
                Household.objects.visible_to(user).filter(pk=int(text)).first()
                if text.isdigit() and int(text) <= BIGINT_MAX
                else None
            )
        if household is None:
            errors["household"] = [_("Unknown household.")]
    out["household"] = household or None
    if errors:
        raise ValidationError(errors)
    return out


def _apply(person, values):
    person.set_national_id(values.pop("national_id"))
    person.set_phone(values.pop("phone"))
    for key, value in values.items():
        setattr(person, key, value)


@transaction.atomic
def create_person(*, acting_user, data, demo=False):
    roles.require(acting_user, "people.manage")
    values = validate_person(acting_user, data)
    person = Person(created_by=acting_user, is_demo=demo)
    _apply(person, values)
    person.save()
    residence_notice(person)
    audit.record(
        "people.create_person",
        actor=acting_user,
        obj=person,
        unit=person.registered_unit,
        extra={
            "kind": person.kind,
            "category": person.category.code if person.category else "",
            "unit": person.unit.code,
        },
    )
    return person


def _same(value):
    """A comparable form of a field value: a record by its code or id, empty as ''."""
    if value is None:
        return ""
    if hasattr(value, "_meta"):
        return getattr(value, "code", None) or str(value.pk)
    return str(value)


@transaction.atomic
def update_person(*, acting_user, person, data):
    roles.require(acting_user, "people.manage")
    if not Person.objects.visible_to(acting_user).filter(pk=person.pk).exists():
        raise PermissionDenied(_("This record is outside your jurisdiction."))
    current = {
        "kind": person.kind,
        "category": person.category,
        "name": person.name,
        "national_id": person.national_id,
        "phone": person.phone,
        "lat": person.lat,
        "lon": person.lon,
        "household": person.household,
        "registered_unit": person.registered_unit,
        **{k: getattr(person, k) for k in DATE_FIELDS},
        **{k: getattr(person, k) for k in ("registered_address", "actual_address", "offence", "notes")},
    }
    merged = {**current, **{k: v for k, v in data.items() if k in PERSON_FIELDS}}
    values = validate_person(acting_user, merged, person)
    changed = sorted(k for k in PERSON_FIELDS if k in data and _same(merged.get(k)) != _same(current.get(k)))
    old_unit = person.unit
    _apply(person, values)
    person.save()
    if person.unit_id != old_unit.pk:
        person_moved.send(sender=Person, person=person, old_unit=old_unit)
        residence_notice(person)
    audit.record(
        "people.update_person",
        actor=acting_user,
        obj=person,
        unit=person.registered_unit,
        extra={"changed": changed},
    )
    return person


def validate_household(user, data):
    errors = {}
    out = {"address": (data.get("address") or "").strip(), "notes": (data.get("notes") or "").strip()}
    if not out["address"]:
        errors["address"] = [_("This field is required.")]
    try:
        village, unit, lat, lon = locate_values(data.get("lat"), data.get("lon"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    else:
        if not in_scope(user, unit):
            errors["lat"] = [_("This point is outside your jurisdiction.")]
        out.update(village=village, unit=unit, lat=lat, lon=lon)
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def create_household(*, acting_user, data, demo=False):
    roles.require(acting_user, "people.manage")
    values = validate_household(acting_user, data)
    household = Household.objects.create(**values, created_by=acting_user, is_demo=demo)
    audit.record("people.create_household", actor=acting_user, obj=household, unit=household.unit)
    return household


@transaction.atomic
def update_household(*, acting_user, household, data):
    roles.require(acting_user, "people.manage")
    if not in_scope(acting_user, household.unit):
        raise PermissionDenied(_("This record is outside your jurisdiction."))
    merged = {
        "address": household.address,
        "notes": household.notes,
        "lat": household.lat,
        "lon": household.lon,
        **{k: v for k, v in data.items() if k in ("address", "notes", "lat", "lon")},
    }
    values = validate_household(acting_user, merged)
    changed = sorted(k for k, v in values.items() if getattr(household, k) != v)
    for key, value in values.items():
        setattr(household, key, value)
    household.save()
    audit.record(
        "people.update_household",
        actor=acting_user,
        obj=household,
        unit=household.unit,
        extra={"changed": changed},
    )
    return household


LIST_READ_IDS = 1000
"""At most this many ids are named in one list-read event (the count is always exact)."""


def record_list_read(*, acting_user, what, ids, count, filters=None):
    """A read of several persons or households (list page, API list, a household's members, the map's
    person points): one audit event naming what was shown. An ID-number filter is noted, never stored."""
    kept = {}
    for key, value in (filters or {}).items():
        if value is None or value == "":
            continue
        kept[key] = True if key == "national_id" else value
    ids = [int(i) for i in ids]
    return audit.record(
        "people.list_read",
        actor=acting_user,
        unit=user_unit(acting_user),
        extra={"what": what, "count": int(count), "ids": ids[:LIST_READ_IDS], "filters": kept},
    )


MAP_READ_SECONDS = 60
"""The map's person points are audited at most once per user, jurisdiction and minute in each process."""
_map_reads = {}


def forget_map_reads():
    """Start the map-read throttle afresh (a new process starts without it; tests start each one so)."""
    _map_reads.clear()


def record_map_read(*, acting_user, body, bbox, zoom, scope, now):
    """Audit a persons-layer answer that shows persons as points (not cells, not village counts, not
    empty): the first such answer of a user in each ``MAP_READ_SECONDS`` window, naming the persons shown.
    Returns the event, or None when nothing needed recording."""
    tail = body[-400:]
    if b'"mode":"points"' not in tail or b'"aggregated":false' not in tail or b'"total":0,' in tail:
        return None
    key = (acting_user.pk, scope)
    last = _map_reads.get(key)
    if last is not None and now - last < MAP_READ_SECONDS:
        return None
    import json

    ids = [f["id"] for f in json.loads(body)["features"]]
    event = record_list_read(
        acting_user=acting_user, what="map", ids=ids, count=len(ids), filters={"bbox": bbox, "zoom": zoom}
    )
    if len(_map_reads) > 10_000:
        _map_reads.clear()
    _map_reads[key] = now
    return event


def record_view(*, acting_user, person, reason):
    """A sensitive read: one audit event with the reason (查詢事由)."""
    return audit.record(
        "people.view_person", actor=acting_user, obj=person, unit=person.registered_unit, reason=reason
    )
