from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Body, Router

from jingmin.apitypes import Limit, Offset
from jingmin.org import roles
from jingmin.visits import actions
from jingmin.visits.models import (
    Config,
    RegistrationNotice,
    RegistrationStatus,
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
    roles.require(request.user, "visits.view")
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
    return {"count": qs.count(), "results": [visit_out(v) for v in qs[offset : offset + limit]]}


@router.get("/visits/due")
def visits_due(request, limit: Limit = 500):
    """The caller's due and overdue visits, one per person or place, overdue first."""
    roles.require(request.user, "visits.view")
    today = timezone.localdate()
    items = due_list(request.user, today, limit=limit)
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
    roles.require(request.user, "visits.view_hours")
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
    roles.require(request.user, "visits.registration_notices")
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
    return {"count": qs.count(), "results": [registration_out(n) for n in qs[offset : offset + limit]]}


@router.get("/registration-notices/{pk}")
def get_registration_notice(request, pk: int):
    return registration_out(get_object_or_404(_registration_notices(request), pk=pk))


@router.post("/registration-notices/{pk}/sent")
def send_registration_notice(request, pk: int):
    """The station chief marks the notice sent to the household registration office."""
    notice = get_object_or_404(_registration_notices(request), pk=pk)
    return registration_out(actions.send_registration_notice(acting_user=request.user, notice=notice))
