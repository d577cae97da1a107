"""Retention: how long closed tips and webhook event records are kept, and their purge."""

import logging
from datetime import timedelta

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jingmin.audit import log as audit
from jingmin.messaging.models import RetentionSettings, Tip, WebhookEvent
from jingmin.org import roles

logger = logging.getLogger("jingmin.messaging")


@transaction.atomic
def save_retention(*, acting_user, closed_tip_days, webhook_event_days):
    """Change how long closed tips and webhook event records are kept."""
    roles.require(acting_user, "messaging.manage_retention")
    config = RetentionSettings.get()
    before = {"closed_tip_days": config.closed_tip_days, "webhook_event_days": config.webhook_event_days}
    config.closed_tip_days, config.webhook_event_days = closed_tip_days, webhook_event_days
    config.full_clean(exclude=["updated_at"])
    config.save()
    audit.record(
        "messaging.save_retention",
        actor=acting_user,
        obj=config,
        extra={
            "before": before,
            "after": {"closed_tip_days": closed_tip_days, "webhook_event_days": webhook_event_days},
        },
    )
    return config


def expired(now=None, config=None):
    """``(closed tips, webhook events)`` past their retention period at ``now``."""
    config = config or RetentionSettings.get()
    now = now or timezone.now()
    tip_cutoff = now - timedelta(days=config.closed_tip_days)
    tips = Tip.objects.filter(status=Tip.Status.CLOSED).filter(
        Q(closed_at__lt=tip_cutoff) | Q(closed_at__isnull=True, received_at__lt=tip_cutoff)
    )
    events = WebhookEvent.objects.filter(received_at__lt=now - timedelta(days=config.webhook_event_days))
    return tips, events


def purge_expired(*, acting_user=None, now=None, dry_run=False, batch=1000):
    """Delete closed tips (and their image files) and webhook event records past their retention.

    Open tips (new or read) are never deleted, whatever their age. One audit event per run, with the
    counts (also when nothing was due). Image files are removed once the deletion is committed.
    Returns ``{"tips", "images", "events", "dry_run"}``.
    """
    if acting_user is not None:
        roles.require(acting_user, "messaging.manage_retention")
    config = RetentionSettings.get()
    tips, events = expired(now, config)
    if dry_run:
        return {
            "tips": tips.count(),
            "images": tips.exclude(image="").count(),
            "events": events.count(),
            "dry_run": True,
        }
    with transaction.atomic():
        rows = list(tips.values_list("pk", "image"))
        images = [name for _pk, name in rows if name]
        tip_ids = [pk for pk, _name in rows]
        for i in range(0, len(tip_ids), batch):
            Tip.objects.filter(pk__in=tip_ids[i : i + batch]).delete()
        event_ids = list(events.values_list("pk", flat=True))
        for i in range(0, len(event_ids), batch):
            WebhookEvent.objects.filter(pk__in=event_ids[i : i + batch]).delete()
        counts = {"tips": len(tip_ids), "images": len(images), "events": len(event_ids), "dry_run": False}
        audit.record(
            "messaging.purge",
            actor=acting_user,
            obj=("messaging.tip", "batch"),
            extra={
                **counts,
                "closed_tip_days": config.closed_tip_days,
                "webhook_event_days": config.webhook_event_days,
            },
        )
        transaction.on_commit(lambda: _delete_files(images))
    return counts


def _delete_files(names):
    for name in names:
        try:
            default_storage.delete(name)
        except OSError as exc:  # logged; the row is gone, a stray file is found by the next audit
            logger.warning("retention: could not delete %s: %s", name, exc)
