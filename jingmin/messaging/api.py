"""Messaging API: tips for the station (scoped like everything else), campaign status, retention periods."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from jingmin.apitypes import Limit
from jingmin.audit import log as audit
from jingmin.messaging import actions, delivery
from jingmin.messaging.models import Campaign, RetentionSettings, Tip
from jingmin.org import roles

router = Router(tags=["messaging"])


class TipOut(Schema):
    tracking_code: str
    unit: str
    source: str
    kind: str
    text: str
    latitude: float | None
    longitude: float | None
    address: str
    has_image: bool
    status: str
    received_at: datetime
    group: str | None


def _tip_out(tip):
    return {
        "tracking_code": tip.tracking_code,
        "unit": tip.unit.code,
        "source": tip.source,
        "kind": tip.kind,
        "text": tip.text,
        "latitude": tip.latitude,
        "longitude": tip.longitude,
        "address": tip.address,
        "has_image": bool(tip.image),
        "status": tip.status,
        "received_at": tip.received_at,
        "group": str(tip.group) if tip.group_id else None,
    }


def _need(request, capability):
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    if not roles.can(request.user, capability):
        raise PermissionDenied(_("You do not have permission to do this."))


@router.get("/tips", response=list[TipOut])
def list_tips(request, status: str | None = None, limit: Limit = 100):
    """Tips received by the caller's stations (resident LINE IDs are never included)."""
    _need(request, "messaging.read_tips")
    tips = Tip.objects.visible_to(request.user).select_related("unit", "group")
    if status:
        tips = tips.filter(status=status)
    rows = list(tips[: max(1, min(limit, 500))])
    audit.record(
        "messaging.list_tips", actor=request.user, obj=("messaging.tip", "*"), extra={"count": len(rows)}
    )
    return [_tip_out(t) for t in rows]


@router.get("/tips/{code}", response=TipOut)
def get_tip(request, code: str):
    _need(request, "messaging.read_tips")
    tip = get_object_or_404(
        Tip.objects.visible_to(request.user).select_related("unit", "group"), tracking_code=code
    )
    audit.record("messaging.view_tip", actor=request.user, obj=tip, unit=tip.unit)
    return _tip_out(tip)


class CampaignOut(Schema):
    id: int
    title: str
    status: str
    unit: str
    recipients: int
    cost: int
    deliveries: dict[str, int]


@router.get("/campaigns/{pk}", response=CampaignOut)
def get_campaign(request, pk: int):
    _need(request, "messaging.view")
    campaign = get_object_or_404(Campaign.objects.visible_to(request.user).select_related("unit"), pk=pk)
    return {
        "id": campaign.pk,
        "title": campaign.title,
        "status": campaign.status,
        "unit": campaign.unit.code,
        "recipients": campaign.recipients,
        "cost": campaign.cost,
        "deliveries": delivery.status_counts(campaign),
    }


class RetentionOut(Schema):
    closed_tip_days: int
    webhook_event_days: int
    due_tips: int
    due_events: int


class RetentionIn(Schema):
    closed_tip_days: int
    webhook_event_days: int


def _retention_out(config):
    due = actions.purge_expired(dry_run=True)
    return {
        "closed_tip_days": config.closed_tip_days,
        "webhook_event_days": config.webhook_event_days,
        "due_tips": due["tips"],
        "due_events": due["events"],
    }


@router.get("/messaging/retention", response=RetentionOut)
def get_retention(request):
    """How long closed tips and webhook event records are kept, and how many are due for deletion."""
    _need(request, "messaging.manage_retention")
    return _retention_out(RetentionSettings.get())


@router.put("/messaging/retention", response=RetentionOut)
def put_retention(request, payload: RetentionIn):
    """Change the retention periods (administrators; closed tips 30..3650 days, events 7..3650)."""
    config = actions.save_retention(
        acting_user=request.user,
        closed_tip_days=payload.closed_tip_days,
        webhook_event_days=payload.webhook_event_days,
    )
    return _retention_out(config)
