"""Near-repeat warnings to the community through the messaging service: off by default; when a station
switches them on, one campaign per station per import, in the station chief's name, to the
neighbourhood-watch (and configured) contacts of the affected villages only; never twice for an alert;
no chief → no message and the alert says so."""

from django.contrib.auth.models import Group
from django_tasks_db.models import DBTaskResult

from jingmin.analytics import actions
from jingmin.analytics.importer import import_incidents
from jingmin.analytics.models import NearRepeatAlert, NearRepeatWarning
from jingmin.analytics.tests.helpers import csv_text, point_in, row, run_worker
from jingmin.analytics.tests.warning_helpers import affected, flag, switch_on
from jingmin.audit.models import AuditEvent
from jingmin.messaging.models import Campaign, Delivery, MessageTemplate
from jingmin.messaging.tests.conftest import add_friend, add_group, make_channel
from jingmin.org import roles
from jingmin.org.models import Village

TASK = "jingmin.analytics.tasks.send_near_repeat_warnings"


def do_import(capture, rows):
    with capture(execute=True):
        return import_incidents(csv_text(rows))


def warning_campaigns():
    return Campaign.objects.filter(source=actions.WARNING_SOURCE)


def test_off_by_default_nothing_is_queued_or_sent(w, no_demo_channels, django_capture_on_commit_callbacks):
    flag(w.precinct)
    channel = make_channel(w.station)
    add_group(channel, 1, tags=["watch-team"], village=affected(w.beat)[0])
    report = do_import(django_capture_on_commit_callbacks, [row("CW-OFF", w.beat, days_ago=0.5)])
    assert report.alerts >= 1
    assert not DBTaskResult.objects.filter(task_path=TASK).exists()
    run_worker(django_capture_on_commit_callbacks)
    assert not warning_campaigns().exists() and not NearRepeatWarning.objects.exists()
    assert NearRepeatAlert.objects.filter(warning__isnull=False).count() == 0


def test_one_campaign_per_station_per_import_and_never_again(
    w, no_demo_channels, django_capture_on_commit_callbacks
):
    flag(w.bureau)  # covers both precincts
    near, near2 = affected(w.beat)[0], affected(w.beat2)[0]
    # the station's village farthest from the incidents: outside every flagged distance
    lat, lon = point_in(w.beat)
    far_same_station = max(
        Village.objects.filter(beat__parent=w.station),
        key=lambda v: (v.centroid_lat - lat) ** 2 + (v.centroid_lon - lon) ** 2,
    )
    channel = make_channel(w.station)
    watch = add_group(channel, 1, tags=["watch-team"], village=near)
    watch2 = add_friend(channel, 2, tags=["watch-team"])
    watch2.village = near2
    watch2.save()
    chiefs_only = add_group(channel, 3, tags=["village-chiefs"], village=near)
    far = add_group(channel, 4, tags=["watch-team"], village=far_same_station)
    other_channel = make_channel(w.other_station, slug="other-line")
    other_watch = add_group(other_channel, 5, tags=["watch-team"], village=affected(w.other_beat)[0])
    switch_on(w.station)
    switch_on(w.other_station)
    rows = [
        row("CW-1", w.beat, days_ago=0.5),
        row("CW-2", w.beat, days_ago=0.7, dlat=0.0001),
        row("CW-3", w.beat2, days_ago=0.6),
        row("CW-4", w.other_beat, days_ago=0.5),
    ]
    before = AuditEvent.objects.count()
    report = do_import(django_capture_on_commit_callbacks, rows)
    assert report.alerts >= 4
    assert DBTaskResult.objects.filter(task_path=TASK).count() == 1  # the import only enqueues
    assert not warning_campaigns().exists()
    run_worker(django_capture_on_commit_callbacks)

    campaigns = {c.unit_id: c for c in warning_campaigns()}
    assert set(campaigns) == {w.station.pk, w.other_station.pk}  # one per station
    mine = campaigns[w.station.pk]
    assert mine.created_by == w.inside[roles.STATION_CHIEF]  # sent on behalf of the station chief
    assert campaigns[w.other_station.pk].created_by == w.outside[roles.STATION_CHIEF]
    assert set(Delivery.objects.filter(campaign=mine).values_list("contact_id", flat=True)) == {
        watch.pk,
        watch2.pk,
    }
    assert set(
        Delivery.objects.filter(campaign=campaigns[w.other_station.pk]).values_list("contact", flat=True)
    ) == {other_watch.pk}
    assert not Delivery.objects.filter(contact__in=[chiefs_only, far]).exists()
    assert mine.template.code == "near-repeat-burglary"
    assert near.name in mine.text and near2.name in mine.text and "110" in mine.text
    assert "CW-1" not in mine.text and "{" not in mine.text
    # every alert of the switched-on stations points at its station's warning; other stations' stay in-app
    for alert in NearRepeatAlert.objects.select_related("unit", "warning"):
        if alert.unit.parent_id in (w.station.pk, w.other_station.pk):
            assert alert.warning is not None and alert.warning.unit_id == alert.unit.parent_id
        else:
            assert alert.warning is None
    assert far_same_station.pk not in {
        v.pk for v in NearRepeatWarning.objects.get(unit=w.station).villages.all()
    }
    assert NearRepeatWarning.objects.filter(status=NearRepeatWarning.QUEUED).count() == 2
    logged = list(AuditEvent.objects.order_by("id")[before:].values_list("action", flat=True))
    assert logged.count("analytics.near_repeat_warning") == 2
    assert logged.count("messaging.queue_campaign") == 2  # each campaign audited by messaging
    assert mine.status in (Campaign.Status.SENDING, Campaign.Status.DONE)

    # a retried task and a re-import send nothing more
    ids = list(NearRepeatAlert.objects.values_list("pk", flat=True))
    assert actions.warn_community(ids) == []
    do_import(django_capture_on_commit_callbacks, rows)
    run_worker(django_capture_on_commit_callbacks)
    assert warning_campaigns().count() == 2 and NearRepeatWarning.objects.count() == 2


def test_a_new_import_is_a_new_campaign(w, no_demo_channels, django_capture_on_commit_callbacks):
    flag(w.precinct)
    channel = make_channel(w.station)
    add_group(channel, 1, tags=["watch-team"], village=affected(w.beat)[0])
    switch_on(w.station)
    do_import(django_capture_on_commit_callbacks, [row("CW-A", w.beat, days_ago=0.5)])
    do_import(django_capture_on_commit_callbacks, [row("CW-B", w.beat, days_ago=0.4)])
    run_worker(django_capture_on_commit_callbacks)
    assert warning_campaigns().count() == 2


def test_configured_tags_are_warned_too(w, no_demo_channels, django_capture_on_commit_callbacks):
    flag(w.precinct)
    near = affected(w.beat)[0]
    channel = make_channel(w.station)
    chiefs = add_group(channel, 1, tags=["village-chiefs"], village=near)
    guards = add_group(channel, 2, tags=["security-guards"], village=near)
    switch_on(w.station, tags=["village-chiefs"])
    do_import(django_capture_on_commit_callbacks, [row("CW-T", w.beat, days_ago=0.5)])
    run_worker(django_capture_on_commit_callbacks)
    campaign = warning_campaigns().get()
    assert set(Delivery.objects.filter(campaign=campaign).values_list("contact_id", flat=True)) == {chiefs.pk}
    assert guards.pk not in set(Delivery.objects.values_list("contact_id", flat=True))


def test_no_chief_no_message_and_the_alert_says_so(
    w, client, no_demo_channels, django_capture_on_commit_callbacks
):
    flag(w.precinct)
    channel = make_channel(w.station)
    add_group(channel, 1, tags=["watch-team"], village=affected(w.beat)[0])
    switch_on(w.station)
    w.inside[roles.STATION_CHIEF].groups.remove(Group.objects.get(name=roles.STATION_CHIEF))
    do_import(django_capture_on_commit_callbacks, [row("CW-NC", w.beat, days_ago=0.5)])
    run_worker(django_capture_on_commit_callbacks)
    assert not warning_campaigns().exists()
    warning = NearRepeatWarning.objects.get()
    assert warning.status == NearRepeatWarning.NO_CHIEF and warning.sender is None
    assert (
        AuditEvent.objects.filter(action="analytics.near_repeat_warning", object_id=str(warning.pk)).count()
        == 1
    )
    client.force_login(w.inside[roles.BEAT_OFFICER])
    got = {a["incident"]: a for a in client.get("/api/v1/analytics/near-repeat/alerts").json()}
    assert got["CW-NC"]["community_warning"]["status"] == "no_chief"
    assert got["CW-NC"]["community_warning"]["campaign"] is None
    client.cookies["django_language"] = "en"
    html = client.get("/analytics/alerts/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "the station has no chief" in html


def test_nobody_to_warn_is_recorded_not_sent(w, no_demo_channels, django_capture_on_commit_callbacks):
    flag(w.precinct)
    make_channel(w.station)
    switch_on(w.station)
    do_import(django_capture_on_commit_callbacks, [row("CW-NB", w.beat, days_ago=0.5)])
    run_worker(django_capture_on_commit_callbacks)
    assert not warning_campaigns().exists()
    assert NearRepeatWarning.objects.get().status == NearRepeatWarning.NOBODY


def test_the_template_is_seeded_in_both_languages(w):
    template = MessageTemplate.objects.get(code="near-repeat-burglary", unit__isnull=True)
    assert "住宅竊盜" in template.body and "burglary" in template.body
    for name in ("station", "villages", "villages_en", "until", "until_en"):
        assert "{" + name + "}" in template.body
