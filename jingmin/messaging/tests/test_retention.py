"""Retention: closed tips (with their images) and webhook event records are deleted after editable
periods; open tips never; one audit event per run; the command, the page, the API and the schedule."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from jingmin.audit.models import AuditEvent
from jingmin.messaging import actions, tasks
from jingmin.messaging.models import RetentionSettings, Tip, WebhookEvent
from jingmin.org.schedule import jobs

DAY = timedelta(days=1)
MINUTE = timedelta(minutes=1)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def make_event(channel, n, received_at):
    event = WebhookEvent.objects.create(channel=channel, event_id=f"ev-{n}", type="message", payload={})
    WebhookEvent.objects.filter(pk=event.pk).update(received_at=received_at)
    return event


def make_tip(channel, n, *, status, received_at, closed_at=None, image=False, event=None):
    tip = Tip.objects.create(
        unit=channel.unit,
        channel=channel,
        kind=Tip.Kind.IMAGE if image else Tip.Kind.TEXT,
        text="" if image else f"tip {n}",
        tracking_code=f"TRET{n:04d}",
        status=status,
        event=event,
    )
    if image:
        tip.image.save(f"{tip.tracking_code}.jpg", ContentFile(b"\xff\xd8jpeg"), save=False)
    Tip.objects.filter(pk=tip.pk).update(received_at=received_at, closed_at=closed_at, image=tip.image.name)
    tip.refresh_from_db()
    return tip


def purges():
    return AuditEvent.objects.filter(action="messaging.purge")


def test_defaults_are_seeded(db):
    config = RetentionSettings.objects.get(pk=1)
    assert (config.closed_tip_days, config.webhook_event_days) == (730, 90)


def test_closed_tip_boundaries_and_open_tips_are_never_purged(w, channel, media):
    now = timezone.now()
    limit = 730 * DAY
    inside = make_tip(
        channel, 1, status="closed", received_at=now - 900 * DAY, closed_at=now - limit + MINUTE
    )
    outside = make_tip(
        channel, 2, status="closed", received_at=now - 900 * DAY, closed_at=now - limit - MINUTE
    )
    old_new = make_tip(channel, 3, status="new", received_at=now - 3000 * DAY)
    old_read = make_tip(channel, 4, status="read", received_at=now - 3000 * DAY)
    legacy = make_tip(
        channel, 5, status="closed", received_at=now - limit - MINUTE
    )  # closed before closed_at
    counts = actions.purge_expired(now=now)
    assert counts == {"tips": 2, "images": 0, "events": 0, "dry_run": False}
    left = set(Tip.objects.values_list("pk", flat=True))
    assert {inside.pk, old_new.pk, old_read.pk} <= left
    assert outside.pk not in left and legacy.pk not in left


def test_webhook_event_boundaries(w, channel, media):
    now = timezone.now()
    inside = make_event(channel, 1, now - 90 * DAY + MINUTE)
    outside = make_event(channel, 2, now - 90 * DAY - MINUTE)
    tip = make_tip(channel, 1, status="new", received_at=now - 100 * DAY, event=outside)
    assert actions.purge_expired(now=now)["events"] == 1
    assert list(WebhookEvent.objects.filter(pk__in=[inside.pk, outside.pk]).values_list("pk", flat=True)) == [
        inside.pk
    ]
    tip.refresh_from_db()
    assert tip.event_id is None  # the open tip stays, without its event record


def test_image_files_are_removed(w, channel, media, django_capture_on_commit_callbacks):
    now = timezone.now()
    gone = make_tip(
        channel, 1, status="closed", received_at=now - 800 * DAY, closed_at=now - 740 * DAY, image=True
    )
    kept = make_tip(channel, 2, status="read", received_at=now - 800 * DAY, image=True)
    gone_path, kept_path = media / gone.image.name, media / kept.image.name
    assert gone_path.is_file() and kept_path.is_file()
    with django_capture_on_commit_callbacks(execute=True):
        counts = actions.purge_expired(now=now)
    assert counts["tips"] == 1 and counts["images"] == 1
    assert not gone_path.exists()
    assert kept_path.is_file()


def test_idempotent_and_audited_once_per_run(w, channel, media, django_capture_on_commit_callbacks):
    now = timezone.now()
    make_tip(channel, 1, status="closed", received_at=now - 800 * DAY, closed_at=now - 740 * DAY, image=True)
    make_event(channel, 1, now - 100 * DAY)
    before = purges().count()
    with django_capture_on_commit_callbacks(execute=True):
        first = actions.purge_expired(now=now)
    with django_capture_on_commit_callbacks(execute=True):
        second = actions.purge_expired(now=now)
    assert (first["tips"], first["images"], first["events"]) == (1, 1, 1)
    assert (second["tips"], second["images"], second["events"]) == (0, 0, 0)
    events = list(purges().order_by("id"))[before:]
    assert len(events) == 2
    assert events[0].extra["tips"] == 1 and events[0].extra["events"] == 1 and events[0].extra["images"] == 1
    assert events[0].extra["closed_tip_days"] == 730 and events[1].extra["tips"] == 0


def test_dry_run_counts_without_deleting_or_auditing(w, channel, media):
    now = timezone.now()
    make_tip(channel, 1, status="closed", received_at=now - 800 * DAY, closed_at=now - 740 * DAY)
    before = purges().count()
    assert actions.purge_expired(now=now, dry_run=True)["tips"] == 1
    assert Tip.objects.filter(tracking_code="TRET0001").exists()
    assert purges().count() == before


def test_closing_a_tip_starts_its_period_and_reopening_stops_it(w, channel):
    tip = make_tip(channel, 1, status="read", received_at=timezone.now() - 3000 * DAY)
    chief = w.inside["station_chief"]
    actions.set_tip_status(acting_user=chief, tip=tip, status="closed")
    assert tip.closed_at is not None and timezone.now() - tip.closed_at < MINUTE
    assert actions.purge_expired(dry_run=True)["tips"] == 0  # closed just now, however old
    actions.set_tip_status(acting_user=chief, tip=tip, status="read")
    tip.refresh_from_db()
    assert tip.closed_at is None


def test_edited_periods_apply(w, channel, media):
    now = timezone.now()
    make_tip(channel, 1, status="closed", received_at=now - 100 * DAY, closed_at=now - 60 * DAY)
    assert actions.purge_expired(now=now, dry_run=True)["tips"] == 0
    actions.save_retention(acting_user=w.inside["administrator"], closed_tip_days=30, webhook_event_days=7)
    assert actions.purge_expired(now=now)["tips"] == 1
    assert AuditEvent.objects.filter(action="messaging.save_retention").count() == 1


@pytest.mark.parametrize("tips,events", [(29, 90), (730, 6), (3651, 90), (730, 3651)])
def test_periods_out_of_range_are_refused(w, tips, events):
    with pytest.raises(ValidationError) as exc:
        actions.save_retention(
            acting_user=w.inside["administrator"], closed_tip_days=tips, webhook_event_days=events
        )
    assert set(exc.value.message_dict) <= {"closed_tip_days", "webhook_event_days"}
    config = RetentionSettings.get()
    assert (config.closed_tip_days, config.webhook_event_days) == (730, 90)


@pytest.mark.parametrize("role", ["station_chief", "precinct_officer", "beat_officer", "bureau_analyst"])
def test_only_administrators_change_retention_or_purge(w, role):
    with pytest.raises(PermissionDenied):
        actions.save_retention(acting_user=w.inside[role], closed_tip_days=30, webhook_event_days=7)
    with pytest.raises(PermissionDenied):
        actions.purge_expired(acting_user=w.inside[role])


def test_command_and_scheduled_task(w, channel, media, capsys):
    now = timezone.now()
    make_tip(channel, 1, status="closed", received_at=now - 800 * DAY, closed_at=now - 740 * DAY)
    call_command("purge_messaging", "--dry-run")
    assert "would delete 1 closed tip(s)" in capsys.readouterr().out
    call_command("purge_messaging")
    assert "deleted 1 closed tip(s)" in capsys.readouterr().out
    assert tasks.purge_expired_messaging.call()["tips"] == 0
    job = {j.name: j for j in jobs()}["messaging_purge"]
    assert job.task == "jingmin.messaging.tasks.purge_expired_messaging"


def test_retention_page(w, channel, client, media):
    now = timezone.now()
    make_tip(channel, 1, status="closed", received_at=now - 800 * DAY, closed_at=now - 740 * DAY)
    client.force_login(w.inside["station_chief"])
    assert client.get("/messaging/retention/").status_code == 403
    client.force_login(w.inside["administrator"])
    page = client.get("/messaging/retention/")
    assert page.status_code == 200 and "730" in page.content.decode()
    bad = client.post(
        "/messaging/retention/", {"save": "1", "closed_tip_days": "5", "webhook_event_days": "90"}
    )
    assert bad.status_code == 200 and "has-error" in bad.content.decode()
    assert RetentionSettings.get().closed_tip_days == 730
    ok = client.post(
        "/messaging/retention/", {"save": "1", "closed_tip_days": "365", "webhook_event_days": "30"}
    )
    assert ok.status_code == 302 and RetentionSettings.get().closed_tip_days == 365
    client.post("/messaging/retention/", {"purge": "1"})
    assert not Tip.objects.filter(tracking_code="TRET0001").exists()


def test_retention_api(w, client):
    client.force_login(w.inside["station_chief"])
    assert client.get("/api/v1/messaging/retention").status_code == 403
    client.force_login(w.inside["administrator"])
    assert client.get("/api/v1/messaging/retention").json()["closed_tip_days"] == 730
    bad = client.put(
        "/api/v1/messaging/retention",
        {"closed_tip_days": 1, "webhook_event_days": 90},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "closed_tip_days"
    ok = client.put(
        "/api/v1/messaging/retention",
        {"closed_tip_days": 400, "webhook_event_days": 60},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["webhook_event_days"] == 60
