"""End to end: an import raises near-repeat alerts, the worker runs the warning task and the delivery drain,
and the LINE server receives one push per watch group with the near-repeat-burglary text; the alert page
and API show the campaign and its status."""

from jingmin.analytics.importer import import_incidents
from jingmin.analytics.models import NearRepeatWarning
from jingmin.analytics.tests.helpers import csv_text, row, run_worker
from jingmin.analytics.tests.warning_helpers import affected, flag, switch_on
from jingmin.messaging.models import Campaign
from jingmin.messaging.tests.conftest import add_group, make_channel
from jingmin.org import roles


def test_import_to_line_push(w, client, line_server, no_demo_channels, django_capture_on_commit_callbacks):
    flag(w.precinct)
    near = affected(w.beat)[0]
    channel = make_channel(w.station, line_server)
    watch = add_group(channel, 1, server=line_server, members=12, tags=["watch-team"], village=near)
    residents = add_group(channel, 2, server=line_server, tags=["residents"], village=near)
    switch_on(w.station, user=w.inside[roles.STATION_CHIEF])

    with django_capture_on_commit_callbacks(execute=True):
        report = import_incidents(
            csv_text([row("E2E-1", w.beat, days_ago=0.5, address="臺南市北區某路1號")]),
            acting_user=w.inside[roles.PRECINCT_OFFICER],
        )
    assert report.alerts >= 1 and line_server.accepted == []  # the import never waits on delivery
    assert run_worker(django_capture_on_commit_callbacks) >= 2  # the warning task, then the drain

    assert line_server.delivered(watch.address) == 1
    assert line_server.delivered(residents.address) == 0
    assert len(line_server.accepted) == 1
    sent = line_server.accepted[0]
    assert sent["endpoint"] == "push" and sent["to"] == [watch.address]
    text = sent["messages"][0]["text"]
    assert text.startswith(f"【{w.station.name}治安提醒】")
    assert near.name in text and (near.name_en or near.name) in text
    assert "110" in text and "lock doors and windows" in text
    assert "某路" not in text and "E2E-1" not in text  # never the victim's address or the incident

    warning = NearRepeatWarning.objects.get()
    campaign = warning.campaign
    assert campaign.status == Campaign.Status.DONE and campaign.created_by == w.inside[roles.STATION_CHIEF]
    # a second worker run finds nothing to do and sends nothing more
    run_worker(django_capture_on_commit_callbacks)
    assert line_server.delivered(watch.address) == 1

    # the chief sees the campaign link; the beat officer the status (the campaign is the station's)
    client.force_login(w.inside[roles.STATION_CHIEF])
    got = {a["incident"]: a for a in client.get("/api/v1/analytics/near-repeat/alerts").json()}
    cw = got["E2E-1"]["community_warning"]
    assert cw["status"] == "queued" and cw["campaign"] == campaign.pk
    assert cw["campaign_status"] == "done" and cw["recipients"] == 1
    assert cw["campaign_url"] == f"/messaging/campaigns/{campaign.pk}/"
    html = client.get("/analytics/alerts/").content.decode()
    assert f'href="/messaging/campaigns/{campaign.pk}/"' in html
    client.force_login(w.inside[roles.BEAT_OFFICER])
    cw = {a["incident"]: a for a in client.get("/api/v1/analytics/near-repeat/alerts").json()}["E2E-1"][
        "community_warning"
    ]
    assert cw["campaign_status"] == "done" and cw["campaign_url"] is None
    assert f"#{campaign.pk}" in client.get("/").content.decode()  # the home-page box shows it too
