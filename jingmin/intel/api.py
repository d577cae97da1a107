from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Body, Router

from jingmin.apitypes import Limit, Offset
from jingmin.intel import actions
from jingmin.intel.models import IntelReport, IntelStatus
from jingmin.org import roles

BODY = Body(...)  # a JSON object; validated field by field in actions.py (translated errors)
router = Router(tags=["intel"])


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
    roles.require(request.user, "intel.view")
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
