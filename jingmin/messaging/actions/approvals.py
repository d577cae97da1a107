"""Approvals: a campaign reaching several stations waits until a supervisor of each approves it."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingmin.audit import log as audit
from jingmin.messaging import delivery
from jingmin.messaging.models import Campaign, CampaignApproval, Delivery, DeliveryStatus, Dispatch
from jingmin.org import roles
from jingmin.org.models import Unit


def approvable_by(user, campaign):
    """The pending approvals this user may decide."""
    if not roles.can(user, "messaging.approve") or campaign.status != Campaign.Status.PENDING_APPROVAL:
        return []
    if campaign.created_by_id == getattr(user, "pk", None):
        return []
    visible = set(Unit.objects.visible_to(user).values_list("pk", flat=True))
    return [
        a
        for a in campaign.approvals.filter(decision=CampaignApproval.Decision.PENDING).select_related(
            "station"
        )
        if a.station_id in visible
    ]


@transaction.atomic
def decide(*, acting_user, campaign, approve):
    """A station chief (or supervisor above) approves or rejects for the stations they answer for."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    roles.require(acting_user, "messaging.approve")
    mine = approvable_by(acting_user, campaign)
    if not mine:
        raise PermissionDenied(
            _("You cannot approve this campaign (you wrote it, or none of its stations is yours).")
        )
    now = timezone.now()
    decision = CampaignApproval.Decision.APPROVED if approve else CampaignApproval.Decision.REJECTED
    CampaignApproval.objects.filter(pk__in=[a.pk for a in mine]).update(
        decision=decision, decided_by=acting_user, decided_at=now
    )
    audit.record(
        "messaging.approve_campaign" if approve else "messaging.reject_campaign",
        actor=acting_user,
        obj=campaign,
        unit=campaign.unit,
        extra={"stations": [a.station.code for a in mine]},
    )
    if not approve:
        campaign.status = Campaign.Status.REJECTED
        campaign.finished_at = now
        campaign.save()
        Dispatch.objects.filter(campaign=campaign, status=DeliveryStatus.HELD).update(
            status=DeliveryStatus.CANCELLED, last_error="rejected"
        )
        Delivery.objects.filter(campaign=campaign, status=DeliveryStatus.HELD).update(
            status=DeliveryStatus.CANCELLED, error=_("rejected")
        )
        return campaign
    if campaign.approvals.exclude(decision=CampaignApproval.Decision.APPROVED).exists():
        return campaign
    when = campaign.scheduled_for if campaign.scheduled_for and campaign.scheduled_for > now else now
    Dispatch.objects.filter(campaign=campaign, status=DeliveryStatus.HELD).update(
        status=DeliveryStatus.QUEUED, next_attempt_at=when
    )
    Delivery.objects.filter(campaign=campaign, status=DeliveryStatus.HELD).update(
        status=DeliveryStatus.QUEUED
    )
    campaign.status = Campaign.Status.SCHEDULED if when > now else Campaign.Status.SENDING
    campaign.save()
    delivery.schedule_drain_on_commit(when)
    return campaign
