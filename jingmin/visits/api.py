from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Body, Router

from jingmin.apitypes import Limit, Offset
from jingmin.people import actions as people_actions
from jingmin.people.models import Person
from jingmin.visits import actions
from jingmin.visits.models import (
    Config,
    IntelReport,
    IntelStatus,
    Notice,
    RegistrationNotice,
    RegistrationStatus,
    SearchRequest,
    Visit,
)
from jingmin.visits.schedule import due_list

BODY = Body(...)  # a JSON object; validated field by field in actions.py (translated errors)
router = Router(tags=["visits"])


def visit_out(v):
    return {
        "id": v.pk,
        "unit": v.unit.code,
        "officer": v.officer.get_username(),
        "person": v.person_id,
        "place": v.place_id,
        "subject": str(v.subject),
        "visited_at": v.visited_at.isoformat(),
        "method": v.method,
        "met": v.met,
        "observations": v.observations,
        "indicators_seen": v.indicators_seen,
        "arranged": v.arranged,
        "minutes": v.minutes,
        "notice_given_on": v.notice_given_on.isoformat() if v.notice_given_on else None,
        "registration_notice": getattr(getattr(v, "registration_notice", None), "pk", None),
    }


def _visits(request):
    actions.require(request.user, "visits.view")
    return Visit.objects.visible_to(request.user).select_related(
        "unit", "officer", "person", "place", "registration_notice"
    )


@router.get("/visits")
def list_visits(
    request, person: int | None = None, place: int | None = None, limit: Limit = 100, offset: Offset = 0
):
    qs = _visits(request)
    if person:
        qs = qs.filter(person_id=person)
    if place:
        qs = qs.filter(place_id=place)
    limit = max(1, min(limit, 1000))
    return {"count": qs.count(), "results": [visit_out(v) for v in qs[offset : offset + limit]]}


@router.get("/visits/due")
def visits_due(request, limit: Limit = 500):
    """The caller's due and overdue visits, one per person or place, overdue first."""
    actions.require(request.user, "visits.view")
    today = timezone.localdate()
    items = due_list(request.user, today, limit=max(1, min(limit, 5000)))
    return {
        "date": today.isoformat(),
        "count": len(items),
        "results": [
            {
                "plan": i.plan.pk,
                "subject": i.kind,
                "id": i.subject.pk,
                "name": str(i.subject),
                "category": str(i.subject.category) if i.subject.category_id else None,
                "due_date": i.plan.due_date.isoformat(),
                "overdue": i.overdue,
                "missed_periods": i.missed,
                "lat": i.lat,
                "lon": i.lon,
                "unit": i.plan.unit.code,
            }
            for i in items
        ],
    }


@router.get("/visits/hours")
def visit_hours(request):
    """Visit hours this month of each beat officer of the caller's jurisdiction, against the monthly
    figure (configuration, 16 h by default). Supervisors only."""
    actions.require(request.user, "visits.view_hours")
    from jingmin.visits.hours import beat_officer_hours, month_start

    rows = beat_officer_hours(request.user)
    return {
        "month": month_start().date().isoformat(),
        "target_hours": rows[0].target_hours if rows else Config.get().monthly_visit_hours,
        "results": [
            {
                "officer": r.officer.user.get_username(),
                "unit": r.officer.unit.code,
                "visits": r.visits,
                "minutes": r.minutes,
                "hours": r.hours,
                "below_target": r.below,
            }
            for r in rows
        ],  # fmt: skip
    }


@router.get("/visits/{pk}")
def get_visit(request, pk: int):
    return visit_out(get_object_or_404(_visits(request), pk=pk))


@router.post("/visits", response={201: dict})
def create_visit(request, payload: dict = BODY):
    """Log a visit. Fields: person (id) or place (id), visited_at (ISO 8601), method (onsite, joint,
    group, phone, card), met, observations, indicators_seen, arranged, minutes, registration_mismatch and
    registration_details (residents not matching the household registration: makes a 勤區訪查通報單),
    notice_given_on (YYYY-MM-DD; required for a group meeting, at least the configured number of days —
    3 by default — before it). Outside daytime the visit is refused unless ``arranged`` is true."""
    return 201, visit_out(actions.log_visit(acting_user=request.user, data=payload))


# --- intelligence reports ---------------------------------------------------------------------


def intel_out(r, now=None):
    return {
        "id": r.pk,
        "unit": r.unit.code,
        "station": r.station.code,
        "filed_by": r.filed_by.get_username(),
        "kind": r.kind,
        "urgency": r.urgency,
        "text": r.text,
        "person": r.person_id,
        "place": r.place_id,
        "lat": r.lat,
        "lon": r.lon,
        "status": r.status,
        "overdue": r.is_overdue(now),
        "filed_at": r.filed_at.isoformat(),
        "acknowledged_at": r.acknowledged_at.isoformat() if r.acknowledged_at else None,
        "assigned_to": r.assigned_to.get_username() if r.assigned_to_id else None,
        "assigned_at": r.assigned_at.isoformat() if r.assigned_at else None,
        "forwarded_to": r.forwarded_to or None,
        "forwarded_at": r.forwarded_at.isoformat() if r.forwarded_at else None,
        "closed_at": r.closed_at.isoformat() if r.closed_at else None,
        "outcome": r.outcome,
    }


def _reports(request):
    actions.require(request.user, "intel.view")
    return IntelReport.objects.visible_to(request.user).select_related(
        "unit", "station", "filed_by", "assigned_to"
    )


@router.get("/intel-reports")
def list_reports(
    request, status: str | None = None, overdue: bool | None = None, limit: Limit = 100, offset: Offset = 0
):
    if overdue:
        qs = actions.overdue_reports(request.user).select_related("station", "assigned_to")
    else:
        qs = _reports(request)
    if status:
        if status not in IntelStatus.values:
            raise ValidationError({"status": _("Unknown status: %(status)s") % {"status": status}})
        qs = qs.filter(status=status)
    limit = max(1, min(limit, 1000))
    return {"count": qs.count(), "results": [intel_out(r) for r in qs[offset : offset + limit]]}


@router.get("/intel-reports/{pk}")
def get_report(request, pk: int):
    return intel_out(get_object_or_404(_reports(request), pk=pk))


@router.post("/intel-reports", response={201: dict})
def create_report(request, payload: dict = BODY):
    """File a report. Fields: kind, urgency (urgent, normal), text, person, place, lat, lon, visit."""
    return 201, intel_out(actions.file_intel(acting_user=request.user, data=payload))


@router.patch("/intel-reports/{pk}")
def update_report(request, pk: int, payload: dict = BODY):
    """Move a report on: ``{"action": "acknowledge"}``, ``{"action": "assign", "assigned_to": username}``,
    ``{"action": "forward", "forwarded_to": "investigation|social|agency", "note": …}``,
    ``{"action": "close", "outcome": …}``."""
    report = get_object_or_404(_reports(request), pk=pk)
    action = payload.get("action")
    user = request.user
    if action == "acknowledge":
        report = actions.acknowledge_intel(acting_user=user, report=report)
    elif action == "assign":
        report = actions.assign_intel(acting_user=user, report=report, officer=payload.get("assigned_to"))
    elif action == "forward":
        report = actions.forward_intel(
            acting_user=user, report=report, to=payload.get("forwarded_to"), note=payload.get("note", "")
        )
    elif action == "close":
        report = actions.close_intel(acting_user=user, report=report, outcome=payload.get("outcome", ""))
    else:
        raise ValidationError({"action": _("Unknown action: %(action)s") % {"action": action or "-"}})
    return intel_out(report)


# --- search requests --------------------------------------------------------------------------


def search_out(s, user):
    from jingmin.people.national_id import mask

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
    actions.require(request.user, "search.view")
    return SearchRequest.objects.visible_to(request.user).select_related(
        "person", "person__unit", "person__registered_unit", "opened_unit", "found_by", "found_unit"
    )


@router.get("/search-requests")
def list_searches(request, status: str | None = "open", limit: Limit = 100, offset: Offset = 0):
    """Search requests (協尋) of the city: every officer sees the open ones."""
    qs = _searches(request)
    if status:
        qs = qs.filter(status=status)
    limit = max(1, min(limit, 1000))
    searches = list(qs[offset : offset + limit])
    count = qs.count()
    people_actions.record_list_read(
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
    people_actions.record_list_read(
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
    actions.require(request.user, "search.open")
    person_id = payload.get("person")
    person = (
        Person.objects.visible_to(request.user).filter(pk=person_id).first()
        if str(person_id).isdigit()
        else None
    )
    if person is None:
        raise ValidationError({"person": _("Unknown person.")})
    return 201, search_out(
        actions.open_search(acting_user=request.user, person=person, note=payload.get("note", "")),
        request.user,
    )


@router.patch("/search-requests/{pk}")
def update_search(request, pk: int, payload: dict = BODY):
    """``{"action": "found", "found_at", "found_where", "lat", "lon", "lives_there"}`` or ``{"action": "withdraw"}``."""
    search = get_object_or_404(_searches(request), pk=pk)
    action = payload.get("action", "found")
    if action == "found":
        search = actions.report_found(acting_user=request.user, search=search, data=payload)
    elif action == "withdraw":
        search = actions.withdraw_search(
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
    actions.require(request.user, "visits.view")
    return Notice.objects.visible_to(request.user).select_related("unit", "from_unit", "read_by")


@router.get("/notices")
def list_notices(request, unread: bool | None = None, limit: Limit = 100):
    """Notices to the caller's units (a person lives in your beat; a searched person was found);
    ``unread=true`` gives only those not marked read."""
    qs = _notices(request)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return [notice_out(n) for n in qs[: max(1, min(limit, 500))]]


@router.post("/notices/{pk}/read")
def read_notice(request, pk: int):
    """Mark a notice read (idempotent: marking it again changes nothing)."""
    notice = get_object_or_404(_notices(request), pk=pk)
    return notice_out(actions.mark_notice_read(acting_user=request.user, notice=notice))


# --- household registration notices (勤區訪查通報單) ------------------------------------------------


def registration_out(n):
    return {
        "id": n.pk,
        "unit": n.unit.code,
        "station": n.station.code,
        "visit": n.visit_id,
        "officer": n.officer.get_username(),
        "person": n.person_id,
        "place": n.place_id,
        "village": n.village.code,
        "address": n.address,
        "office": n.office,
        "details": n.details,
        "created_at": n.created_at.isoformat(),
        "status": n.status,
        "sent_at": n.sent_at.isoformat() if n.sent_at else None,
        "sent_by": n.sent_by.get_username() if n.sent_by_id else None,
    }


def _registration_notices(request):
    actions.require(request.user, "visits.registration_notices")
    return RegistrationNotice.objects.visible_to(request.user).select_related(
        "unit", "station", "officer", "village", "sent_by"
    )


@router.get("/registration-notices")
def list_registration_notices(request, status: str | None = None, limit: Limit = 100, offset: Offset = 0):
    """Household registration notices (勤區訪查通報單) made by visits; created by ``POST /visits`` with
    ``registration_mismatch: true`` and ``registration_details``."""
    qs = _registration_notices(request)
    if status:
        if status not in RegistrationStatus.values:
            raise ValidationError({"status": _("Unknown status: %(status)s") % {"status": status}})
        qs = qs.filter(status=status)
    limit = max(1, min(limit, 1000))
    return {"count": qs.count(), "results": [registration_out(n) for n in qs[offset : offset + limit]]}


@router.get("/registration-notices/{pk}")
def get_registration_notice(request, pk: int):
    return registration_out(get_object_or_404(_registration_notices(request), pk=pk))


@router.post("/registration-notices/{pk}/sent")
def send_registration_notice(request, pk: int):
    """The station chief marks the notice sent to the household registration office."""
    notice = get_object_or_404(_registration_notices(request), pk=pk)
    return registration_out(actions.send_registration_notice(acting_user=request.user, notice=notice))
