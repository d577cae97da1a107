"""Compose → queue → drain against the fake LINE server: one request per group, delivered once."""

from jingmin.audit.models import AuditEvent
from jingmin.messaging import actions, delivery
from jingmin.messaging.models import Campaign, Delivery, Dispatch

from .conftest import add_friend, add_group


def test_campaign_is_delivered_once_per_recipient(w, channel, line_server):
    groups = [add_group(channel, i, server=line_server, members=3) for i in range(3)]
    friends = [add_friend(channel, i) for i in range(4)]
    campaign = actions.send(acting_user=w.inside["station_chief"], title="識詐", text="小心假投資")
    assert campaign.status == Campaign.Status.SENDING
    assert campaign.recipients == 7
    assert campaign.cost == 3 * 3 + 4  # groups count their members; one text message
    assert Delivery.objects.filter(campaign=campaign).count() == 7
    kinds = sorted(Dispatch.objects.filter(campaign=campaign).values_list("kind", flat=True))
    assert kinds == ["multicast", "push", "push", "push"]

    stats = delivery.drain()
    assert stats["sent"] == 4
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DONE
    assert set(Delivery.objects.filter(campaign=campaign).values_list("status", flat=True)) == {"sent"}
    for g in groups:
        assert line_server.delivered(g.address) == 1
    for f in friends:
        assert line_server.delivered(f.address) == 1
    keys = {str(k) for k in Dispatch.objects.filter(campaign=campaign).values_list("retry_key", flat=True)}
    assert set(line_server.accepted_by_retry_key) == keys
    assert (
        AuditEvent.objects.filter(action="messaging.queue_campaign", object_id=str(campaign.pk)).count() == 1
    )
    assert (
        AuditEvent.objects.filter(action="messaging.campaign_finished", object_id=str(campaign.pk)).count()
        == 1
    )
    # nothing left to do; a second drain sends nothing
    assert delivery.drain()["claimed"] == 0
    assert delivery.next_wakeup() is None


def test_console_channel_writes_instead_of_sending(w, caplog):
    from jingmin.messaging.models import Channel

    Channel.objects.filter(slug__startswith="demo").update(is_active=False)
    from .conftest import make_channel

    console = make_channel(w.station, None, slug="console-demo")
    add_group(console, 1)
    campaign = actions.send(acting_user=w.inside["station_chief"], title="t", text="hello console")
    with caplog.at_level("INFO", logger="jingmin.messaging.console"):
        delivery.drain()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DONE
    assert "hello console" in caplog.text
