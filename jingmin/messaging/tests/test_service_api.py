"""The service API other features use (messaging.actions.send), the demo, and /api/v1 for campaigns."""

from django.core.management import call_command

from jingmin.messaging import actions
from jingmin.messaging.models import Campaign, Channel, Contact
from jingmin.org.models import Village

from .conftest import add_group


def test_send_by_tag_and_village_codes(w, channel, line_server):
    village = Village.objects.filter(beat=w.beat).first()
    target = add_group(channel, 1, server=line_server, tags=["watch-team"], village=village, unit=w.beat)
    add_group(channel, 2, server=line_server, tags=["watch-team"], unit=w.beat)  # another village
    add_group(
        channel, 4, server=line_server, tags=["watch-team"], village=village
    )  # the station's, not the beat's
    add_group(channel, 3, server=line_server, tags=["residents"], village=village, unit=w.beat)
    campaign = actions.send(
        acting_user=w.inside["beat_officer"],
        title="協尋",
        text="請協尋",
        tags=["watch-team"],
        villages=[village.code],
        kinds=["group"],
        source="missing",
    )
    assert campaign.source == "missing"
    assert [d.contact for d in campaign.deliveries.all()] == [target]


def test_send_by_unit(w, channel, line_server):
    in_beat2 = add_group(channel, 1, server=line_server, unit=w.beat2)
    add_group(channel, 2, server=line_server, unit=w.beat)
    campaign = actions.send(acting_user=w.inside["station_chief"], title="t", text="x", units=[w.beat2.code])
    assert [d.contact for d in campaign.deliveries.all()] == [in_beat2]


def test_campaign_status_api(w, channel, line_server, client):
    add_group(channel, 1, server=line_server)
    campaign = actions.send(acting_user=w.inside["station_chief"], title="t", text="x")
    client.force_login(w.inside["station_chief"])
    body = client.get(f"/api/v1/messaging/campaigns/{campaign.pk}").json()
    assert body["status"] == "sending" and body["deliveries"]["queued"] == 1
    client.force_login(w.outside["station_chief"])
    assert client.get(f"/api/v1/messaging/campaigns/{campaign.pk}").status_code == 404


def test_demo_channel_is_registered_once(w):
    channel = Channel.objects.get(slug="demo")
    assert channel.unit == w.station and channel.uses_console
    assert channel.line_channel_secret == "demo-channel-secret"
    before = (Channel.objects.count(), Contact.objects.count(), Campaign.objects.count())
    call_command("demo", demo=True, stdout=open("/dev/null", "w"))
    assert (Channel.objects.count(), Contact.objects.count(), Campaign.objects.count()) == before
