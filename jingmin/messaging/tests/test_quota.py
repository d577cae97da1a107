"""Quota arithmetic: recipients × messages against the monthly quota and what is already used."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jingmin.messaging import actions, quota
from jingmin.messaging.models import Dispatch

from .conftest import add_friend, add_group, png_bytes


def test_request_cost():
    assert quota.request_cost(500, 2) == 1000
    assert quota.request_cost(0, 3) == 0
    with pytest.raises(ValueError):
        quota.request_cost(-1, 1)


def test_quota_check_arithmetic():
    q = quota.QuotaCheck(1, "c", limit=200, used=150, cost=50)
    assert q.fits and q.remaining == 50 and q.after == 200
    assert not quota.QuotaCheck(1, "c", limit=200, used=150, cost=51).fits
    assert quota.QuotaCheck(1, "c", limit=None, used=10**6, cost=10**6).fits


def test_campaign_cost_counts_group_members_and_messages(w, channel, line_server):
    from django.core.files.uploadedfile import SimpleUploadedFile

    add_group(channel, 1, server=line_server, members=20)
    add_friend(channel, 1)
    add_friend(channel, 2)
    image = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")
    campaign = actions.save_campaign(
        acting_user=w.inside["station_chief"], title="t", text="x", image=image, image_alt="海報"
    )
    the_plan, problems = actions.preview(campaign, w.inside["station_chief"])
    assert problems == []
    assert the_plan.cost == (20 + 2) * 2  # text + image = 2 messages each


def test_used_counts_this_months_open_and_sent_dispatches(w, channel, line_server):
    channel.monthly_quota = 100
    channel.save()
    add_group(channel, 1, server=line_server, members=30)
    actions.send(acting_user=w.inside["station_chief"], title="a", text="x")
    assert quota.used_this_month(channel) == 30
    Dispatch.objects.filter(channel=channel).update(status="failed")
    assert quota.used_this_month(channel) == 0  # failed requests cost nothing
    channel.remote_usage, channel.remote_checked_at = 70, timezone.now()
    channel.save()
    assert quota.used_this_month(channel) == 70  # LINE's count wins when larger


def test_campaign_over_quota_is_refused_before_anything_is_queued(w, channel, line_server):
    channel.monthly_quota = 50
    channel.save()
    add_group(channel, 1, server=line_server, members=30)
    actions.send(acting_user=w.inside["station_chief"], title="a", text="x")  # uses 30
    campaign = actions.save_campaign(acting_user=w.inside["station_chief"], title="b", text="y")
    with pytest.raises(ValidationError) as exc:
        actions.queue_campaign(acting_user=w.inside["station_chief"], campaign=campaign)
    assert "30" in exc.value.messages[0] and "20" in exc.value.messages[0]
    assert not Dispatch.objects.filter(campaign=campaign).exists()
