"""API approvals: a campaign reaching two stations waits for a supervisor of each; its author cannot
approve it, nor anyone of another precinct; a rejection cancels everything; each decision audited."""

import pytest

from jingmin.messaging import actions
from jingmin.messaging.models import Campaign, Channel, Delivery
from jingmin.org import roles
from jingmin.test import make_user

from .conftest import add_group, make_channel
from .helpers import Api, events_since, mark


@pytest.fixture
def pending(w):
    Channel.objects.filter(slug__startswith="demo").update(is_active=False)
    add_group(make_channel(w.station, slug="s1"), 1)
    add_group(make_channel(w.sibling_station, slug="s2"), 1)
    campaign = actions.save_campaign(acting_user=w.inside["precinct_officer"], title="全分局", text="識詐")
    return campaign


def test_send_submits_for_approval_and_both_stations_approve(w, client, pending):
    author = Api(client, w.inside["precinct_officer"])
    submitted = author.post(f"/campaigns/{pending.pk}/send").json()
    assert submitted["status"] == "pending" and not submitted["can_decide"]
    assert {a["station"] for a in submitted["approvals"]} == {w.station.code, w.sibling_station.code}
    assert author.post(f"/campaigns/{pending.pk}/approve").status_code == 403  # not one's own
    assert Api(client, w.outside["station_chief"]).post(f"/campaigns/{pending.pk}/approve").status_code == 404
    assert Api(client, w.inside["beat_officer"]).post(f"/campaigns/{pending.pk}/approve").status_code == 404
    assert Api(client, w.inside["investigator"]).post(f"/campaigns/{pending.pk}/approve").status_code == 403
    before = mark()
    first = Api(client, w.inside["station_chief"])
    assert first.get(f"/campaigns/{pending.pk}").json()["can_decide"]
    assert first.post(f"/campaigns/{pending.pk}/approve").json()["status"] == "pending"
    assert first.post(f"/campaigns/{pending.pk}/approve").status_code == 403  # already decided
    chief2 = make_user("chief-s02", roles.STATION_CHIEF, w.sibling_station)
    done = Api(client, chief2).post(f"/campaigns/{pending.pk}/approve").json()
    assert done["status"] == "sending"
    assert {a["decision"] for a in done["approvals"]} == {"approved"}
    # the approver reads the campaign, but it stays the precinct's: not cancelled from the station
    assert first.post(f"/campaigns/{pending.pk}/cancel").status_code == 404
    events = events_since(before, "messaging.approve_campaign")
    assert [e.actor for e in events] == [w.inside["station_chief"], chief2]
    assert set(Delivery.objects.filter(campaign=pending).values_list("status", flat=True)) == {"queued"}


def test_rejection_cancels_everything(w, client, pending):
    Api(client, w.inside["precinct_officer"]).post(f"/campaigns/{pending.pk}/send")
    before = mark()
    rejected = Api(client, w.inside["station_chief"]).post(f"/campaigns/{pending.pk}/reject")
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert set(Delivery.objects.filter(campaign=pending).values_list("status", flat=True)) == {"cancelled"}
    [event] = events_since(before, "messaging.reject_campaign")
    assert event.actor == w.inside["station_chief"] and event.extra["stations"] == [w.station.code]


def test_a_draft_cannot_be_approved(w, client, pending):
    # no approval is asked for yet: the precinct's draft is not the station chief's to see
    assert Api(client, w.inside["station_chief"]).post(f"/campaigns/{pending.pk}/approve").status_code == 404
    assert (
        Api(client, w.inside["precinct_officer"]).post(f"/campaigns/{pending.pk}/approve").status_code == 403
    )
    assert Campaign.objects.get(pk=pending.pk).status == "draft"
