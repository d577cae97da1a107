"""The delivery engine: claim dispatches with a lease, send them, record the outcome.

Claiming works the same on PostgreSQL and SQLite:

1. inside a transaction, pick the ids of claimable dispatches — due (``queued``/``retrying`` with
   ``next_attempt_at <= now``) or abandoned (``sending`` whose ``lease_until`` has passed, i.e. the
   worker that held them died). PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED``, so concurrent
   workers pick different rows. SQLite: the ``IMMEDIATE`` transaction mode takes the write lock at
   ``BEGIN``, so claims are serialised.
2. one conditional ``UPDATE … SET status='sending', lease_token=<new token>, lease_until=…`` that
   repeats the claimability condition — a compare-and-set: a row another worker claimed meanwhile
   is not taken twice, whatever the database's locking.
3. the rows carrying our token are ours.

Requests go out in parallel threads (no database access there); while they are out, the claiming
thread renews the lease every third of ``LEASE_SECONDS`` (20 s), so a lease runs out only when its
worker died — and another worker takes over within one short lease. Outcomes are written back in one
transaction, each guarded by ``lease_token`` so a worker whose lease expired cannot overwrite the
result of the worker that took over. Every request carries the dispatch's persisted retry key, so
a request repeated after a crash, a timeout or a lost lease is answered ``409 already accepted``
by LINE and is not delivered again.
"""

import logging
import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from jingmin.audit import log as audit
from jingmin.messaging.models import Campaign, Channel, Delivery, DeliveryStatus, Dispatch
from jingmin.messaging.transports import TransportError

logger = logging.getLogger("jingmin.messaging")


def cfg(name):
    return settings.MESSAGING[name]


def backoff_seconds(attempt, retry_after=None, *, base=None, cap=None, rng=random):
    """Wait before attempt ``attempt + 1``: exponential with full jitter, at least ``Retry-After``.

    attempt 1 → up to base, 2 → up to 2·base, 3 → 4·base … capped; never less than what the
    server asked for.
    """
    base = cfg("BACKOFF_BASE") if base is None else base
    cap = cfg("BACKOFF_MAX") if cap is None else cap
    exp = min(cap, base * (2 ** max(0, attempt - 1)))
    wait = exp / 2 + rng.random() * exp / 2
    if retry_after is not None:
        wait = max(wait, float(retry_after))
    return min(max(wait, 0.0), max(cap, float(retry_after or 0)))


def claimable(now):
    return Q(status__in=[DeliveryStatus.QUEUED, DeliveryStatus.RETRYING], next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, lease_until__lt=now
    )


def claim(limit=None, lease_seconds=None, now=None):
    """Claim up to ``limit`` dispatches; returns ``(token, [Dispatch…])``."""
    limit = limit or cfg("CLAIM_BATCH")
    lease = timedelta(seconds=lease_seconds or cfg("LEASE_SECONDS"))
    token = uuid.uuid4().hex
    with transaction.atomic():
        now = now or timezone.now()
        qs = Dispatch.objects.filter(claimable(now)).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        ids = list(qs.values_list("id", flat=True)[:limit])
        if not ids:
            return token, []
        Dispatch.objects.filter(claimable(now), id__in=ids).update(
            status=DeliveryStatus.SENDING,
            lease_token=token,
            lease_until=now + lease,
            attempts=F("attempts") + 1,
        )
        Delivery.objects.filter(dispatch__lease_token=token).exclude(status=DeliveryStatus.CANCELLED).update(
            status=DeliveryStatus.SENDING
        )
    claimed = list(Dispatch.objects.filter(lease_token=token).select_related("campaign", "channel"))
    return token, claimed


# ---------------------------------------------------------------------------- transports

_transports = {}
_transports_lock = threading.Lock()


def transport_for(channel):
    """The transport of a channel, cached per process (rebuilt when the channel changes)."""
    from jingmin.messaging.transports.console import ConsoleTransport
    from jingmin.messaging.transports.email import EmailTransport
    from jingmin.messaging.transports.line import LineTransport

    key = (channel.pk, channel.updated_at)
    with _transports_lock:
        cached = _transports.get(channel.pk)
        if cached and cached[0] == key:
            return cached[1]
        if channel.transport == Channel.Transport.EMAIL:
            transport = EmailTransport()
        elif channel.uses_console:
            transport = ConsoleTransport(logger=logging.getLogger("jingmin.messaging.console"))
        else:
            transport = LineTransport(
                channel.line_access_token, api_host=channel.api_host, timeout=cfg("LINE_TIMEOUT")
            )
        if cached and hasattr(cached[1], "close"):
            cached[1].close()
        _transports[channel.pk] = (key, transport)
        return transport


def reset_transports():
    with _transports_lock:
        for _key, transport in _transports.values():
            if hasattr(transport, "close"):
                transport.close()
        _transports.clear()


# ---------------------------------------------------------------------------- sending


def _payload(dispatch, messages_cache):
    """What to send: (recipients, LINE messages) — computed before the threads start."""
    from jingmin.messaging.campaigns import email_body, line_messages

    campaign = dispatch.campaign
    if campaign.pk not in messages_cache:
        try:
            messages_cache[campaign.pk] = (line_messages(campaign), email_body(campaign))
        except Exception as exc:  # a campaign that cannot be rendered any more fails, not the worker
            messages_cache[campaign.pk] = exc
    rendered = messages_cache[campaign.pk]
    recipients = [
        d.contact.address
        for d in dispatch.deliveries.exclude(status=DeliveryStatus.CANCELLED)
        .select_related("contact")
        .order_by("id")
    ]
    return recipients, rendered


def _send_one(dispatch, recipients, rendered):
    """One request; returns a result dict or raises TransportError. Runs in a thread: no ORM here."""
    if isinstance(rendered, Exception):
        raise TransportError(f"message cannot be built: {rendered}", permanent=True)
    if not recipients or not all(recipients):
        raise TransportError("no recipient left (removed or cancelled)", permanent=True)
    messages, body = rendered
    transport = dispatch._transport
    key = str(dispatch.retry_key)
    try:
        if dispatch.kind == Dispatch.Kind.PUSH:
            return transport.push(recipients[0], messages, key)
        if dispatch.kind == Dispatch.Kind.MULTICAST:
            return transport.multicast(recipients, messages, key)
        return transport.send(recipients, dispatch.campaign.title, body)
    except ValueError as exc:  # refused by validation before any request: retrying cannot help
        raise TransportError(str(exc), permanent=True) from exc


def send_claimed(token, dispatches):
    """Send claimed dispatches in parallel and record every outcome; returns counters."""
    stats = {"sent": 0, "retrying": 0, "failed": 0, "lost": 0}
    if not dispatches:
        return stats
    cache = {}
    jobs = []
    for d in dispatches:
        try:
            d._transport = transport_for(d.channel)
            recipients, rendered = _payload(d, cache)
        except Exception as exc:  # e.g. undecryptable credentials
            logger.exception("cannot prepare dispatch %s", d.pk)
            jobs.append((d, None, TransportError(f"cannot prepare: {exc}", permanent=True)))
            continue
        jobs.append((d, recipients, rendered))

    def run(job):
        d, recipients, rendered = job
        if recipients is None:
            return d, rendered
        try:
            return d, _send_one(d, recipients, rendered)
        except TransportError as exc:
            return d, exc
        except Exception as exc:  # unexpected: treat as transient, keep the worker alive
            logger.exception("unexpected error sending dispatch %s", d.pk)
            return d, TransportError(f"{type(exc).__name__}: {exc}", permanent=False)

    threads = max(1, min(cfg("SEND_THREADS"), len(jobs)))
    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(run, j) for j in jobs]
        renew_every = cfg("LEASE_SECONDS") / 3
        while wait(futures, timeout=renew_every).not_done:
            renew_lease(token)
        outcomes = [f.result() for f in futures]
    record_outcomes(token, outcomes, stats)
    return stats


def renew_lease(token, lease_seconds=None):
    """Extend the lease on the dispatches we hold while their requests are out (the heartbeat).

    A worker that dies stops renewing, so its dispatches are claimable again one short lease later.
    """
    lease = timedelta(seconds=lease_seconds or cfg("LEASE_SECONDS"))
    return Dispatch.objects.filter(lease_token=token, status=DeliveryStatus.SENDING).update(
        lease_until=timezone.now() + lease
    )


def record_outcomes(token, outcomes, stats):
    now = timezone.now()
    campaigns = set()
    with transaction.atomic():
        for d, outcome in outcomes:
            mine = Dispatch.objects.filter(pk=d.pk, lease_token=token, status=DeliveryStatus.SENDING)
            deliveries = Delivery.objects.filter(dispatch_id=d.pk).exclude(status=DeliveryStatus.CANCELLED)
            if isinstance(outcome, TransportError):
                attempts = d.attempts  # already incremented at claim time
                if not outcome.permanent and attempts < cfg("MAX_ATTEMPTS"):
                    wait = backoff_seconds(attempts, outcome.retry_after)
                    n = mine.update(
                        status=DeliveryStatus.RETRYING,
                        lease_token=None,
                        lease_until=None,
                        next_attempt_at=now + timedelta(seconds=wait),
                        last_status=outcome.status,
                        last_error=outcome.message[:2000],
                    )
                    if n:
                        deliveries.update(status=DeliveryStatus.RETRYING, error=outcome.message[:500])
                        stats["retrying"] += 1
                else:
                    reason = (
                        outcome.message
                        if outcome.permanent
                        else f"gave up after {attempts} attempts: {outcome.message}"
                    )
                    n = mine.update(
                        status=DeliveryStatus.FAILED,
                        lease_token=None,
                        lease_until=None,
                        last_status=outcome.status,
                        last_error=reason[:2000],
                    )
                    if n:
                        deliveries.update(status=DeliveryStatus.FAILED, error=reason[:500])
                        stats["failed"] += 1
            else:
                n = mine.update(
                    status=DeliveryStatus.SENT,
                    lease_token=None,
                    lease_until=None,
                    sent_at=now,
                    last_status=outcome.get("status") if isinstance(outcome, dict) else None,
                    request_id=str((outcome or {}).get("request_id") or "")[:80],
                    last_error="",
                )
                if n:
                    deliveries.update(status=DeliveryStatus.SENT, sent_at=now, error="")
                    stats["sent"] += 1
            if not n:
                stats["lost"] += 1  # lease expired and another worker took over: its result stands
            campaigns.add(d.campaign_id)
        for campaign_id in campaigns:
            update_campaign_progress(campaign_id, now)


def update_campaign_progress(campaign_id, now=None):
    """scheduled → sending when its first request goes out; sending → finished when nothing is open."""
    now = now or timezone.now()
    Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SCHEDULED).update(
        status=Campaign.Status.SENDING, started_at=now
    )
    Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SENDING, started_at__isnull=True).update(
        started_at=now
    )
    if Dispatch.objects.filter(
        campaign_id=campaign_id,
        status__in=[
            DeliveryStatus.QUEUED,
            DeliveryStatus.SENDING,
            DeliveryStatus.RETRYING,
            DeliveryStatus.HELD,
        ],
    ).exists():
        return
    done = Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SENDING).update(
        status=Campaign.Status.DONE, finished_at=now
    )
    if done:
        campaign = Campaign.objects.get(pk=campaign_id)
        counts = status_counts(campaign)
        audit.record(
            "messaging.campaign_finished",
            obj=campaign,
            unit=campaign.unit,
            extra={"deliveries": counts},
        )


def status_counts(campaign):
    from django.db.models import Count

    counts = dict(
        Delivery.objects.filter(campaign=campaign)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {s: counts.get(s, 0) for s in DeliveryStatus.values}


# ---------------------------------------------------------------------------- draining


def drain(max_seconds=None, limit=None):
    """Claim and send until nothing is due (or ``max_seconds`` pass); returns counters."""
    deadline = time.monotonic() + (max_seconds if max_seconds is not None else cfg("DRAIN_SECONDS"))
    totals = {"sent": 0, "retrying": 0, "failed": 0, "lost": 0, "claimed": 0}
    while time.monotonic() < deadline:
        token, dispatches = claim(limit=limit)
        if not dispatches:
            break
        totals["claimed"] += len(dispatches)
        for k, v in send_claimed(token, dispatches).items():
            totals[k] += v
    return totals


def next_wakeup():
    """When something becomes claimable next (None: nothing open)."""
    due = Dispatch.objects.filter(status__in=[DeliveryStatus.QUEUED, DeliveryStatus.RETRYING]).aggregate(
        t=Min("next_attempt_at")
    )["t"]
    lease = Dispatch.objects.filter(status=DeliveryStatus.SENDING).aggregate(t=Min("lease_until"))["t"]
    times = [t for t in (due, lease) if t is not None]
    return min(times) if times else None


def schedule_drain(at=None, want=None):
    """Make sure ``want`` drain tasks are waiting to run at ``at`` (or sooner); never more."""
    from django_tasks_db.models import DBTaskResult

    from jingmin.messaging.tasks import drain_deliveries

    want = want or cfg("PARALLEL_DRAINS")
    now = timezone.now()
    at = max(at or now, now)
    waiting = DBTaskResult.objects.filter(
        task_path=drain_deliveries.module_path, status="READY", run_after__lte=at + timedelta(seconds=1)
    ).count()
    for _ in range(max(0, want - waiting)):
        drain_deliveries.using(run_after=at).enqueue()


def schedule_drain_on_commit(at=None):
    transaction.on_commit(lambda: schedule_drain(at))


def cancel_open(contact, reason):
    """Cancel what is still waiting to go to ``contact``; a dispatch with nobody left is cancelled whole.

    The caller records the audit event of the act that made the contact unreachable."""
    waiting = [DeliveryStatus.HELD, DeliveryStatus.QUEUED, DeliveryStatus.RETRYING]
    open_deliveries = Delivery.objects.filter(contact=contact, status__in=waiting)
    dispatch_ids = list(open_deliveries.values_list("dispatch_id", flat=True))
    open_deliveries.update(status=DeliveryStatus.CANCELLED, error=reason)
    for dispatch in Dispatch.objects.filter(pk__in=dispatch_ids, status__in=waiting):
        if not dispatch.deliveries.exclude(status=DeliveryStatus.CANCELLED).exists():
            Dispatch.objects.filter(pk=dispatch.pk, status=dispatch.status).update(
                status=DeliveryStatus.CANCELLED, last_error=reason
            )
    for campaign_id in set(
        Delivery.objects.filter(dispatch_id__in=dispatch_ids).values_list("campaign_id", flat=True)
    ):
        update_campaign_progress(campaign_id)
