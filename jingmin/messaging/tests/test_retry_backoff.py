"""Transient failures (429 with Retry-After, 5xx, timeouts) retry with backoff and the same retry key."""

import random
from datetime import timedelta

from django.utils import timezone

from jingmin.messaging import actions, delivery
from jingmin.messaging.models import Dispatch

from .conftest import add_group


def test_backoff_is_exponential_with_jitter_and_capped():
    rng = random.Random(1)
    waits = [delivery.backoff_seconds(a, base=2, cap=60, rng=rng) for a in range(1, 8)]
    for attempt, wait in enumerate(waits, start=1):
        ceiling = min(60, 2 * 2 ** (attempt - 1))
        assert ceiling / 2 <= wait <= ceiling
    assert waits[-1] <= 60


def test_backoff_honours_retry_after():
    assert delivery.backoff_seconds(1, retry_after=30, base=1, cap=10) == 30
    assert delivery.backoff_seconds(1, retry_after=0.001, base=4, cap=60) >= 2


def _one_group_campaign(w, channel, line_server):
    group = add_group(channel, 1, server=line_server)
    campaign = actions.send(acting_user=w.inside["station_chief"], title="t", text="x")
    return group, campaign, Dispatch.objects.get(campaign=campaign)


def test_429_waits_at_least_retry_after_then_succeeds_with_the_same_key(w, channel, line_server):
    group, campaign, dispatch = _one_group_campaign(w, channel, line_server)
    line_server.script([429])  # the server's Retry-After is 3 s
    before = timezone.now()
    assert delivery.drain()["retrying"] == 1
    dispatch.refresh_from_db()
    assert dispatch.status == "retrying" and dispatch.last_status == 429
    assert dispatch.next_attempt_at >= before + timedelta(seconds=3)
    assert delivery.drain()["claimed"] == 0  # not due yet
    Dispatch.objects.filter(pk=dispatch.pk).update(next_attempt_at=timezone.now())
    assert delivery.drain()["sent"] == 1
    attempts = [r for r in line_server.requests if r["path"] == "/v2/bot/message/push"]
    assert len(attempts) == 2
    assert {r["headers"]["x-line-retry-key"] for r in attempts} == {str(dispatch.retry_key)}
    assert line_server.delivered(group.address) == 1


def test_timeout_after_delivery_is_not_delivered_twice(w, channel, line_server):
    group, campaign, dispatch = _one_group_campaign(w, channel, line_server)
    line_server.script(["timeout"])  # delivered, but the answer comes after the client gave up
    assert delivery.drain()["retrying"] == 1
    Dispatch.objects.filter(pk=dispatch.pk).update(next_attempt_at=timezone.now())
    assert delivery.drain()["sent"] == 1
    assert line_server.delivered(group.address) == 1
    assert line_server.conflicts == 1  # the retry was answered "already accepted"


def test_500_and_dropped_connections_retry(w, channel, line_server):
    group, campaign, dispatch = _one_group_campaign(w, channel, line_server)
    line_server.script([500, "drop", "error_after_accept"])
    for _ in range(4):
        delivery.drain()
        Dispatch.objects.filter(pk=dispatch.pk, status="retrying").update(next_attempt_at=timezone.now())
    dispatch.refresh_from_db()
    assert dispatch.status == "sent"
    assert dispatch.attempts == 4
    assert line_server.delivered(group.address) == 1


def test_gives_up_after_max_attempts(w, channel, line_server, settings):
    settings.MESSAGING = {**settings.MESSAGING, "MAX_ATTEMPTS": 2}
    group, campaign, dispatch = _one_group_campaign(w, channel, line_server)
    line_server.script([500, 500])
    delivery.drain()
    Dispatch.objects.filter(pk=dispatch.pk).update(next_attempt_at=timezone.now())
    delivery.drain()
    dispatch.refresh_from_db()
    assert dispatch.status == "failed"
    assert "gave up after 2 attempts" in dispatch.last_error


def test_expired_lease_of_a_dead_worker_is_taken_over(w, channel, line_server):
    group, campaign, dispatch = _one_group_campaign(w, channel, line_server)
    token, claimed = delivery.claim()  # a worker claims it … and dies
    assert [d.pk for d in claimed] == [dispatch.pk]
    assert delivery.drain()["claimed"] == 0  # leased: nobody else takes it
    Dispatch.objects.filter(pk=dispatch.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert delivery.drain()["sent"] == 1
    # the dead worker's late result cannot overwrite the new one
    delivery.record_outcomes(
        token,
        [(claimed[0], delivery.TransportError("late", permanent=True))],
        {"sent": 0, "retrying": 0, "failed": 0, "lost": 0},
    )
    dispatch.refresh_from_db()
    assert dispatch.status == "sent"
