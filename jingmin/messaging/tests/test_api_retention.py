"""API retention: administrators read and change the periods and purge now; others are refused."""

from datetime import timedelta

from django.utils import timezone

from jingmin.messaging.models import Channel, Tip

from .helpers import Api, events_since, fields, mark


def test_purge_now_deletes_what_is_due_and_is_audited(w, client):
    old = Tip.objects.create(
        unit=w.station,
        channel=Channel.objects.get(slug="demo"),
        kind="text",
        tracking_code="TOLD0001",
        status="closed",
    )
    Tip.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=4000))
    api = Api(client, w.inside["administrator"])
    assert api.get("/retention").json()["due_tips"] >= 1
    before = mark()
    purged = api.post("/retention/purge")
    assert purged.status_code == 200 and purged.json()["tips"] >= 1
    assert not Tip.objects.filter(pk=old.pk).exists()
    [event] = events_since(before, "messaging.purge")
    assert event.actor == w.inside["administrator"]


def test_only_administrators(w, client):
    for role in ("station_chief", "precinct_officer", "investigator"):
        api = Api(client, w.inside[role])
        assert api.post("/retention/purge").status_code == 403
        assert api.put("/retention", {"closed_tip_days": 400, "webhook_event_days": 60}).status_code == 403


def test_bad_retention_input(w, client):
    api = Api(client, w.inside["administrator"])
    assert (
        fields(api.put("/retention", {"closed_tip_days": "long", "webhook_event_days": 60}))[
            "closed_tip_days"
        ]
        == "Enter a whole number."
    )
    assert "webhook_event_days" in fields(
        api.put("/retention", {"closed_tip_days": 400, "webhook_event_days": 99999})
    )
    assert api.get("/retention").json()["closed_tip_days"] == 730
