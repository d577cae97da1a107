"""Permanent failures (bot left the group, invalid token) are marked failed with their reason, not retried."""

from jingmin.messaging import actions, delivery
from jingmin.messaging.models import Campaign, Channel, Delivery, Dispatch

from .conftest import add_group


def test_bot_left_the_group(w, channel, line_server):
    ok = add_group(channel, 1, server=line_server)
    gone = add_group(channel, 2, server=line_server)
    line_server.leave_group(gone.address)
    campaign = actions.send(acting_user=w.inside["station_chief"], title="t", text="x")
    stats = delivery.drain()
    assert stats == {"sent": 1, "retrying": 0, "failed": 1, "lost": 0, "claimed": 2}
    failed = Delivery.objects.get(campaign=campaign, contact=gone)
    assert failed.status == "failed"
    assert "400" in failed.error and "'to'" in failed.error
    assert Delivery.objects.get(campaign=campaign, contact=ok).status == "sent"
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DONE
    assert Dispatch.objects.get(campaign=campaign, deliveries__contact=gone).attempts == 1


def test_invalid_token(w, channel, line_server):
    add_group(channel, 1, server=line_server)
    Channel.objects.filter(pk=channel.pk).update(line_access_token="")  # rewritten below, encrypted
    channel.refresh_from_db()
    channel.line_access_token = "wrong-token"
    channel.save()
    campaign = actions.send(acting_user=w.inside["station_chief"], title="t", text="x")
    delivery.drain()
    d = Delivery.objects.get(campaign=campaign)
    assert d.status == "failed"
    assert "401" in d.error


def test_failures_are_shown_on_the_campaign_page(w, channel, line_server, client):
    gone = add_group(channel, 2, server=line_server)
    line_server.leave_group(gone.address)
    campaign = actions.send(acting_user=w.inside["station_chief"], title="t", text="x")
    delivery.drain()
    client.force_login(w.inside["station_chief"])
    html = client.get(f"/messaging/campaigns/{campaign.pk}/status/").content.decode()
    assert "The property, &#x27;to&#x27;, in the request body is invalid." in html
