"""The daily quota refresh reads every LINE channel's quota and usage from LINE (the local test
server speaks GET /v2/bot/message/quota and /quota/consumption); a failing channel is recorded on
the channel and never stops the others."""

from jingmin.audit.models import AuditEvent
from jingmin.messaging import tasks
from jingmin.messaging.models import Channel
from jingmin.messaging.tests.line_server import FakeLineServer
from jingmin.org.schedule import jobs

from .conftest import TOKEN, make_channel


def test_quota_endpoints_wire_contract(line_server):
    from jingmin.messaging.transports.line import LineTransport

    line_server.quota_limit = 500
    line_server.set_consumption(123)
    with LineTransport(TOKEN, api_host=line_server.url) as transport:
        assert transport.quota() == {"type": "limited", "value": 500}
        assert transport.consumption() == 123
    paths = [r["path"] for r in line_server.requests]
    assert paths == ["/v2/bot/message/quota", "/v2/bot/message/quota/consumption"]
    assert all(r["headers"]["authorization"] == f"Bearer {TOKEN}" for r in line_server.requests)


def test_daily_job_refreshes_all_channels_and_records_failures(w, channel, line_server):
    line_server.quota_limit = 1000
    line_server.set_consumption(321)
    other_station = w.outside["station_chief"].officer.unit
    broken = make_channel(other_station, line_server, slug="broken-line")
    Channel.objects.filter(pk=broken.pk).update(line_access_token="not-the-token")
    console = make_channel(w.station, None, slug="console-line")  # no API host: not asked
    with FakeLineServer(TOKEN) as gone:
        down = make_channel(w.station, gone, slug="down-line")
    before = AuditEvent.objects.filter(action="messaging.refresh_quota").count()

    results = tasks.refresh_all_quotas.call()  # must not raise

    assert results["test-line"] == "ok"
    assert "401" in results["broken-line"]
    assert "connection" in results["down-line"].lower()
    assert "console-line" not in results
    channel.refresh_from_db()
    assert (channel.monthly_quota, channel.remote_usage, channel.remote_error) == (1000, 321, "")
    assert channel.remote_checked_at is not None
    broken.refresh_from_db()
    assert "401" in broken.remote_error and broken.remote_error_at is not None and broken.remote_usage is None
    down.refresh_from_db()
    assert down.remote_error and down.remote_checked_at is None
    console.refresh_from_db()
    assert console.remote_checked_at is None and console.remote_error == ""
    events = AuditEvent.objects.filter(action="messaging.refresh_quota")
    assert events.count() == before + 1
    assert events.order_by("-id").first().extra["channels"]["test-line"] == "ok"


def test_a_later_success_clears_the_error(w, channel, line_server):
    line_server.script([500])
    assert "500" in tasks.refresh_all_quotas.call()["test-line"]
    channel.refresh_from_db()
    assert "500" in channel.remote_error
    assert tasks.refresh_all_quotas.call()["test-line"] == "ok"
    channel.refresh_from_db()
    assert channel.remote_error == "" and channel.monthly_quota is None  # quota type "none"


def test_button_still_refreshes_one_channel(w, channel, line_server, client):
    line_server.quota_limit = 200
    client.force_login(w.inside["station_chief"])
    assert client.post(f"/messaging/channels/{channel.slug}/quota/").status_code == 302
    assert tasks.refresh_quota.call(channel.pk, w.inside["station_chief"].pk) is True
    channel.refresh_from_db()
    assert channel.monthly_quota == 200
    event = AuditEvent.objects.filter(action="messaging.refresh_quota").order_by("-id").first()
    assert event.actor == w.inside["station_chief"]


def test_channel_list_shows_the_failure(w, channel, line_server, client):
    line_server.script([503])
    tasks.refresh_all_quotas.call()
    client.force_login(w.inside["station_chief"])
    assert "503" in client.get("/messaging/channels/").content.decode()


def test_scheduled_daily():
    job = {j.name: j for j in jobs()}["line_quota_refresh"]
    assert job.task == "jingmin.messaging.tasks.refresh_all_quotas"
