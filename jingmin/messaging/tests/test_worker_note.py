"""A campaign whose deliveries wait says plainly when no task worker is running, on its page and in
the live status block; the note goes away while a worker is alive and once nothing waits."""

from django.utils import translation

from jingmin.messaging import actions, delivery
from jingmin.org import workers

from .conftest import add_group

NOTE = 'id="worker-missing"'


def queued_campaign(w, channel, line_server):
    add_group(channel, 1, server=line_server)
    return actions.send(acting_user=w.inside["station_chief"], title="識詐", text="小心假投資")


def test_queued_deliveries_without_a_worker_say_how_to_start_one(client, w, channel, line_server):
    campaign = queued_campaign(w, channel, line_server)
    client.force_login(w.inside["station_chief"])
    for url in (f"/messaging/campaigns/{campaign.pk}/", f"/messaging/campaigns/{campaign.pk}/status/"):
        html = client.get(url).content.decode()
        assert NOTE in html and "<code>jingmin worker</code>" in html, url
    with translation.override("zh-hant"):
        html = client.get(f"/messaging/campaigns/{campaign.pk}/").content.decode()
    assert "目前沒有背景工作程式在執行" in html


def test_no_note_while_a_worker_is_alive(client, w, channel, line_server):
    campaign = queued_campaign(w, channel, line_server)
    workers.beat("worker-1")
    client.force_login(w.inside["station_chief"])
    assert NOTE not in client.get(f"/messaging/campaigns/{campaign.pk}/").content.decode()


def test_no_note_once_everything_is_delivered(client, w, channel, line_server):
    campaign = queued_campaign(w, channel, line_server)
    delivery.drain()
    client.force_login(w.inside["station_chief"])
    assert NOTE not in client.get(f"/messaging/campaigns/{campaign.pk}/").content.decode()


def test_out_of_scope_campaign_is_404_not_a_note(client, w, channel, line_server):
    campaign = queued_campaign(w, channel, line_server)
    client.force_login(w.outside["station_chief"])
    assert client.get(f"/messaging/campaigns/{campaign.pk}/status/").status_code == 404
