import time

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Body, Router

from jingmin import apitypes
from jingmin.apitypes import Limit, Offset
from jingmin.audit.reason import clean_reason
from jingmin.geo import layers
from jingmin.geo.layerauth import LAYER_AUTH
from jingmin.org import roles
from jingmin.people import actions
from jingmin.people.actions import notices
from jingmin.people.actions import search as search_actions
from jingmin.people.models import Category, Household, Kind, Notice, Person, SearchRequest
from jingmin.people.national_id import mask

BODY = Body(...)  # a JSON object; validated field by field in actions.py (translated errors)
router = Router(tags=["people"])


def household_out(h, user):
    return {
        "id": h.pk,
        "address": h.address,
        "lat": h.lat,
        "lon": h.lon,
        "village": h.village.code,
        "unit": h.unit.code,
        "notes": h.notes,
        "members": [{"id": p.pk, "name": p.name, "kind": p.kind} for p in h.members_visible_to(user)],
    }


def person_summary(p, user):
    return {
        "id": p.pk,
        "name": p.name,
        "kind": p.kind,
        "category": p.category.code if p.category else None,
        "national_id": p.national_id_for(user),
        "unit": p.unit.code,
        "registered_unit": p.registered_unit.code,
        "village": p.village.code,
        "window_end": p.window_end.isoformat() if p.window_end else None,
        "whereabouts_unknown": p.whereabouts_unknown,
    }


def person_detail(p, user):
    return {
        **person_summary(p, user),
        "national_id": p.national_id_for(user, whole=True),
        "phone": p.phone,
        "birth_date": p.birth_date.isoformat() if p.birth_date else None,
        "registered_address": p.registered_address,
        "actual_address": p.actual_address,
        "lat": p.lat,
        "lon": p.lon,
        "offence": p.offence,
        "sentence_end": p.sentence_end.isoformat() if p.sentence_end else None,
        "parole_release": p.parole_release.isoformat() if p.parole_release else None,
        "parole_revoked_on": p.parole_revoked_on.isoformat() if p.parole_revoked_on else None,
        "window_start": p.window_start.isoformat() if p.window_start else None,
        "household": p.household_id,
        "notes": p.notes,
    }


def _persons(request):
    roles.require(request.user, "people.view")
    return Person.objects.visible_to(request.user).select_related(
        "category", "unit", "registered_unit", "village"
    )


def _households(request):
    roles.require(request.user, "people.view")
    return Household.objects.visible_to(request.user).select_related("village", "unit")


def _reason(reason):
    cleaned = clean_reason(reason)
    if not cleaned:
        raise ValidationError({"reason": _("Please give a reason for this access.")})
    return cleaned


@router.get("/person-categories")
def categories(request, kind: str | None = None):
    roles.require(request.user, "people.view")
    qs = Category.objects.filter(active=True)
    if kind:
        qs = qs.filter(kind=kind)
    return [{"code": c.code, "kind": c.kind, "name": str(c), "name_en": c.name_en} for c in qs]


@router.get("/households")
def list_households(request, q: str | None = None, limit: Limit = 100, offset: Offset = 0):
    qs = _households(request)
    if q:
        qs = qs.filter(address__icontains=q)
    results = [household_out(h, request.user) for h in qs[offset : offset + limit]]
    count = qs.count()
    actions.record_list_read(
        acting_user=request.user,
        what="households",
        ids=[h["id"] for h in results],
        count=count,
        filters={"q": q, "offset": offset},
    )
    return {"count": count, "results": results}


@router.get("/households/{pk}")
def get_household(request, pk: int):
    """One household with its members; the read of the members is audited."""
    out = household_out(get_object_or_404(_households(request), pk=pk), request.user)
    actions.record_list_read(
        acting_user=request.user,
        what="household",
        ids=[m["id"] for m in out["members"]],
        count=len(out["members"]),
        filters={"household": out["id"]},
    )
    return out


@router.post("/households", response={201: dict})
def create_household(request, payload: dict = BODY):
    """Fields: address, lat, lon, notes."""
    household = actions.create_household(acting_user=request.user, data=payload)
    return 201, household_out(household, request.user)


@router.patch("/households/{pk}")
def update_household(request, pk: int, payload: dict = BODY):
    household = get_object_or_404(_households(request), pk=pk)
    return household_out(
        actions.update_household(acting_user=request.user, household=household, data=payload), request.user
    )


@router.get("/persons")
def list_persons(
    request,
    kind: str | None = None,
    category: str | None = None,
    q: str | None = None,
    national_id: str | None = None,
    whereabouts_unknown: bool | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
):
    """Persons in the caller's jurisdiction (ID numbers masked unless the role may see them). Exact
    search by ID number uses the blind index: ``?national_id=A123456789``."""
    qs = _persons(request).listed(timezone.localdate())
    if kind:
        if kind not in Kind.values:
            raise ValidationError({"kind": _("Unknown kind: %(kind)s") % {"kind": kind}})
        qs = qs.filter(kind=kind)
    if category:
        qs = qs.filter(category__code=category)
    if q:
        qs = qs.filter(name__icontains=q)
    if national_id:
        qs = Person.find_by_national_id(national_id, qs)
    if whereabouts_unknown is not None:
        qs = qs.filter(whereabouts_unknown=whereabouts_unknown)
    results = [person_summary(p, request.user) for p in qs[offset : offset + limit]]
    count = qs.count()
    actions.record_list_read(
        acting_user=request.user,
        what="persons",
        ids=[p["id"] for p in results],
        count=count,
        filters={
            "kind": kind,
            "category": category,
            "q": q,
            "national_id": national_id,
            "whereabouts_unknown": whereabouts_unknown,
            "offset": offset,
        },
    )
    return {"count": count, "results": results}


@router.get("/persons.geojson", auth=LAYER_AUTH)
def persons_layer(request, bbox: str | None = None, zoom: str | None = None):
    """Persons as points for roles that may read them; counts per village for the other map users."""
    layers.require("persons", request.user)
    body = layers.answer("persons", request.user, bbox, zoom)
    actions.record_map_read(
        acting_user=request.user,
        body=body,
        bbox=bbox,
        zoom=zoom,
        scope=layers.scope_key(request.user),
        now=time.time(),
    )
    return HttpResponse(body, content_type="application/json")


@router.get("/persons/{pk}")
def get_person(request, pk: int, reason: str | None = None):
    """One person's record. Requires ``reason`` (查詢事由); the read is audited."""
    person = get_object_or_404(_persons(request), pk=pk)
    cleaned = _reason(reason)
    actions.record_view(acting_user=request.user, person=person, reason=cleaned)
    return person_detail(person, request.user)


@router.post("/persons", response={201: dict})
def create_person(request, payload: dict = BODY):
    """Fields: kind, category (code), name, national_id, phone, birth_date, registered_address,
    actual_address, lat, lon (actual residence), offence, sentence_end, parole_release,
    parole_revoked_on, notes, household (id), registered_unit (code)."""
    person = actions.create_person(acting_user=request.user, data=payload)
    return 201, person_detail(person, request.user)


@router.patch("/persons/{pk}")
def update_person(request, pk: int, payload: dict = BODY):
    person = get_object_or_404(_persons(request), pk=pk)
    return person_detail(
        actions.update_person(acting_user=request.user, person=person, data=payload), request.user
    )


# --- search requests (協尋) and notices ----------------------------------------------------------


def search_out(s, user):
    person = s.person
    return {
        "id": s.pk,
        "status": s.status,
        "person": person.pk,
        "name": person.name,
        "national_id": mask(person.national_id),
        "registered_unit": person.registered_unit.code,
        "opened_unit": s.opened_unit.code,
        "opened_at": s.opened_at.isoformat(),
        "note": s.note,
        "found_at": s.found_at.isoformat() if s.found_at else None,
        "found_by": s.found_by.get_username() if s.found_by_id else None,
        "found_unit": s.found_unit.code if s.found_unit_id else None,
        "found_where": s.found_where,
        "lives_there": s.lives_there,
        "visiting_unit": person.unit.code,
    }


def _searches(request):
    roles.require(request.user, "search.view")
    return SearchRequest.objects.visible_to(request.user).select_related(
        "person", "person__unit", "person__registered_unit", "opened_unit", "found_by", "found_unit"
    )


@router.get("/search-requests")
def list_searches(request, status: str | None = "open", limit: Limit = 100, offset: Offset = 0):
    """Search requests (協尋) of the city: every officer sees the open ones."""
    qs = _searches(request)
    if status:
        qs = qs.filter(status=status)
    searches = list(qs[offset : offset + limit])
    count = qs.count()
    actions.record_list_read(
        acting_user=request.user,
        what="search-requests",
        ids=[s.person_id for s in searches],
        count=count,
        filters={"status": status, "offset": offset},
    )
    return {"count": count, "results": [search_out(s, request.user) for s in searches]}


@router.get("/search-requests/{pk}")
def get_search(request, pk: int):
    """One search request; the read of its person is audited."""
    search = get_object_or_404(_searches(request), pk=pk)
    actions.record_list_read(
        acting_user=request.user,
        what="search-request",
        ids=[search.person_id],
        count=1,
        filters={"search": search.pk},
    )
    return search_out(search, request.user)


@router.post("/search-requests", response={201: dict})
def create_search(request, payload: dict = BODY):
    """Whereabouts unknown: ``{"person": id, "note": …}`` flags the person and opens a city-wide search."""
    roles.require(request.user, "search.open")
    person_id = payload.get("person")
    person = (
        Person.objects.visible_to(request.user).filter(pk=person_id).first()
        if str(person_id).isdigit()
        else None
    )
    if person is None:
        raise ValidationError({"person": _("Unknown person.")})
    return 201, search_out(
        search_actions.open_search(acting_user=request.user, person=person, note=payload.get("note", "")),
        request.user,
    )


@router.patch("/search-requests/{pk}")
def update_search(request, pk: int, payload: dict = BODY):
    """``{"action": "found", "found_at", "found_where", "lat", "lon", "lives_there"}`` or ``{"action": "withdraw"}``."""
    search = get_object_or_404(_searches(request), pk=pk)
    action = payload.get("action", "found")
    if action == "found":
        search = search_actions.report_found(acting_user=request.user, search=search, data=payload)
    elif action == "withdraw":
        search = search_actions.withdraw_search(
            acting_user=request.user, search=search, reason=payload.get("reason", "")
        )
    else:
        raise ValidationError({"action": _("Unknown action: %(action)s") % {"action": action}})
    return search_out(search, request.user)


def notice_out(n):
    return {"id": n.pk, "unit": n.unit.code, "from_unit": n.from_unit.code if n.from_unit_id else None,
            "kind": n.kind, "person": n.person_id, "text": n.text, "created_at": n.created_at.isoformat(),
            "read_at": n.read_at.isoformat() if n.read_at else None,
            "read_by": n.read_by.get_username() if n.read_by_id else None}  # fmt: skip


def _notices(request):
    roles.require(request.user, "visits.view")
    return Notice.objects.visible_to(request.user).select_related("unit", "from_unit", "read_by")


@router.get("/notices")
def list_notices(request, unread: bool | None = None, limit: apitypes.limit(500) = 100):
    """Notices to the caller's units (a person lives in your beat; a searched person was found);
    ``unread=true`` gives only those not marked read."""
    qs = _notices(request)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return [notice_out(n) for n in apitypes.page(qs, limit)]


@router.post("/notices/{pk}/read")
def read_notice(request, pk: int):
    """Mark a notice read (idempotent: marking it again changes nothing)."""
    notice = get_object_or_404(_notices(request), pk=pk)
    return notice_out(notices.mark_notice_read(acting_user=request.user, notice=notice))
