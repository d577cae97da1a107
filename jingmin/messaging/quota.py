"""Quota arithmetic: push and multicast cost recipients × messages against a monthly quota.

A push to a group costs one message per member of the group (the official account excluded); a
multicast costs one per user; replies and e-mail cost nothing. ``used`` counts what this month's
dispatches already committed (sent, or queued and not yet sent), or what LINE reports when that is
more (messages sent from the LINE Official Account Manager also count).
"""

from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone


def request_cost(recipients, messages):
    """Quota messages of one request: recipients × messages."""
    if recipients < 0 or messages < 0:
        raise ValueError("recipients and messages must not be negative")
    return recipients * messages


def contact_recipients(contact):
    """How many people a contact is: a group's member count, else one."""
    from jingmin.messaging.models import Contact

    if contact.kind in (Contact.Kind.GROUP, Contact.Kind.ROOM):
        return max(1, contact.member_count)
    return 1


def month_start(now=None):
    now = timezone.localtime(now or timezone.now())
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class QuotaCheck:
    channel_id: int
    channel_name: str
    limit: int | None  # None: no limit
    used: int
    cost: int

    @property
    def remaining(self):
        return None if self.limit is None else max(0, self.limit - self.used)

    @property
    def fits(self):
        return self.limit is None or self.used + self.cost <= self.limit

    @property
    def after(self):
        return self.used + self.cost


def used_this_month(channel, now=None):
    """Quota messages committed on ``channel`` this month (local count, or LINE's when larger)."""
    from jingmin.messaging.models import DeliveryStatus, Dispatch

    local = (
        Dispatch.objects.filter(channel=channel, created_at__gte=month_start(now))
        .exclude(status__in=[DeliveryStatus.FAILED, DeliveryStatus.CANCELLED])
        .aggregate(n=Sum("cost"))["n"]
        or 0
    )
    remote = channel.remote_usage or 0
    fresh = channel.remote_checked_at is not None and channel.remote_checked_at >= month_start(now)
    return max(local, remote if fresh else 0)


def check(channel, cost, now=None):
    from jingmin.messaging.models import Channel

    limit = channel.monthly_quota if channel.transport == Channel.Transport.LINE else None
    return QuotaCheck(channel.pk, channel.name, limit, used_this_month(channel, now), cost)
