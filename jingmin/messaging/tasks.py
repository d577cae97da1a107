"""Background tasks (run by ``jingmin worker``).

The delivery state lives in the dispatch rows, not in the task queue: a drain task only says "look
for work". A worker killed in the middle of a task leaves its dispatches ``sending`` with a lease
that runs out; whichever drain runs next takes them over (same retry keys), and every worker
re-schedules a drain when it starts (``jingmin worker``), so nothing waits for a task that died.
"""

import logging

from django.utils import timezone
from django_tasks import task

logger = logging.getLogger("jingmin.messaging")


@task()
def drain_deliveries():
    """Send everything due, then schedule the next drain for the next retry or lease expiry."""
    from jingmin.messaging import delivery

    stats = delivery.drain()
    wake = delivery.next_wakeup()
    if wake is not None:
        delivery.schedule_drain(wake, want=1)
    return stats


@task()
def reply_to_tip(tip_id, reply_token):
    """Answer a resident's message with its tracking code through the free reply API."""
    from jingmin.messaging import delivery
    from jingmin.messaging.models import Tip
    from jingmin.messaging.transports import TransportError

    tip = Tip.objects.select_related("channel").get(pk=tip_id)
    text = tip_reply_text(tip)
    try:
        delivery.transport_for(tip.channel).reply(reply_token, [{"type": "text", "text": text}])
    except TransportError as exc:  # reply tokens are single-use and expire: log, do not retry
        logger.warning("reply to tip %s failed: %s", tip.tracking_code, exc)
        return False
    Tip.objects.filter(pk=tip.pk).update(replied_at=timezone.now())
    return True


def tip_reply_text(tip):
    from django.utils import translation

    with translation.override("zh-hant"):
        from django.utils.translation import gettext as _

        return _(
            "Thank you, %(station)s has received your message. Tracking code: %(code)s. "
            "In an emergency call 110; anti-fraud hotline 165."
        ) % {"station": tip.unit.name, "code": tip.tracking_code}


GROUP_DETAIL_ATTEMPTS = 6


@task()
def fetch_group_details(contact_id, attempt=1):
    """Name a group the bot just joined and count its members (the cost of a push to it).

    Each half is kept as soon as it is read: a failed member count keeps the name already fetched,
    and whatever is missing is asked again later (backoff, ``GROUP_DETAIL_ATTEMPTS`` tries in all).
    """
    from datetime import timedelta

    from jingmin.messaging import delivery
    from jingmin.messaging.models import Contact
    from jingmin.messaging.transports import TransportError

    contact = Contact.objects.select_related("channel").get(pk=contact_id)
    transport = delivery.transport_for(contact.channel)
    failed = []
    if not contact.name:
        try:
            summary = transport.group_summary(contact.address)
        except TransportError as exc:
            failed.append(f"summary: {exc}")
        else:
            name = (summary.get("groupName") or "")[:120]
            if name:
                Contact.objects.filter(pk=contact_id, name="").update(name=name)
    try:
        count = transport.group_member_count(contact.address)
    except TransportError as exc:
        failed.append(f"member count: {exc}")
    else:
        Contact.objects.filter(pk=contact_id).update(member_count=max(1, count))
    if not failed:
        return True
    logger.warning("group details for contact %s (attempt %s): %s", contact_id, attempt, "; ".join(failed))
    if attempt < GROUP_DETAIL_ATTEMPTS:
        wait = delivery.backoff_seconds(attempt, base=30, cap=3600)
        fetch_group_details.using(run_after=timezone.now() + timedelta(seconds=wait)).enqueue(
            contact_id, attempt=attempt + 1
        )
    return False


@task()
def fetch_tip_image(tip_id):
    """Download the image a resident sent (LINE keeps content only for a while)."""
    from django.core.files.base import ContentFile

    from jingmin.messaging import delivery
    from jingmin.messaging.models import Tip
    from jingmin.messaging.transports import TransportError

    tip = Tip.objects.select_related("channel").get(pk=tip_id)
    try:
        data = delivery.transport_for(tip.channel).message_content(tip.line_message_id)
    except TransportError as exc:
        logger.warning("image of tip %s: %s", tip.tracking_code, exc)
        return False
    if not data:
        return False
    tip.image.save(f"{tip.tracking_code}.jpg", ContentFile(data), save=False)
    Tip.objects.filter(pk=tip.pk).update(image=tip.image.name)
    return True


@task()
def refresh_quota(channel_id, acting_user_id=None):
    """Ask LINE for one channel's monthly quota and this month's usage (the channel list's button)."""
    from django.contrib.auth import get_user_model

    from jingmin.messaging import actions
    from jingmin.messaging.models import Channel

    channel = Channel.objects.get(pk=channel_id)
    if channel.uses_console or channel.transport != Channel.Transport.LINE:
        return False
    user = get_user_model().objects.filter(pk=acting_user_id).first() if acting_user_id else None
    return actions.refresh_quotas(acting_user=user, channels=[channel]).get(channel.slug) == "ok"


@task()
def refresh_all_quotas():
    """Daily (``SCHEDULE["line_quota_refresh"]``): every LINE channel with an API host; failures per channel."""
    from jingmin.messaging import actions

    return actions.refresh_quotas()


@task()
def purge_expired_messaging():
    """Daily (``SCHEDULE["messaging_purge"]``): closed tips and webhook event records past retention."""
    from jingmin.messaging import actions

    return actions.purge_expired()


@task()
def fetch_friend_profile(contact_id):
    """A resident added the account as a friend: read their LINE display name."""
    from jingmin.messaging import actions
    from jingmin.messaging.models import Contact

    contact = Contact.objects.select_related("channel").filter(pk=contact_id).first()
    if contact is None or contact.kind != Contact.Kind.USER or not contact.address:
        return None
    return actions.refresh_friend_names(channel=contact.channel, contacts=[contact], via="follow")


@task()
def refresh_friend_names(channel_id, acting_user_id=None):
    """The station's "refresh names" button: read every active friend's LINE display name."""
    from django.contrib.auth import get_user_model

    from jingmin.messaging import actions
    from jingmin.messaging.models import Channel

    channel = Channel.objects.get(pk=channel_id)
    user = get_user_model().objects.filter(pk=acting_user_id).first() if acting_user_id else None
    return actions.refresh_friend_names(acting_user=user, channel=channel, via="station")


def reschedule_after_lost_drain(sender, task_result, **kwargs):
    """A drain whose worker died was reaped (``jingmin.org.workers``): schedule the next one, so its
    dispatches are taken over when their lease runs out even if no worker restarts."""
    from jingmin.org.workers import LOST

    if task_result.task.module_path != drain_deliveries.module_path:
        return
    if not any(e.exception_class_path == LOST for e in task_result.errors):
        return
    from jingmin.messaging import delivery

    wake = delivery.next_wakeup()
    if wake is not None:
        delivery.schedule_drain(wake)
