"""API tips: the station's inbox, listed in pages and read (both audited), marked read or closed as on
the page (closing starts the retention period); another station's tips answer 404."""

import pytest

from jingmin.messaging.models import Channel, Tip

from .conftest import make_channel
from .helpers import Api, events_since, fields, mark


@pytest.fixture
def tips(w):
    mine = Channel.objects.get(slug="demo")
    theirs = make_channel(w.other_station, slug="theirs")
    return {
        "mine": Tip.objects.create(
            unit=w.station, channel=mine, kind="text", text="機車被偷", tracking_code="TMINE001"
        ),
        "theirs": Tip.objects.create(
            unit=w.other_station, channel=theirs, kind="text", text="secret", tracking_code="TTHEIRS1"
        ),
    }


def test_inbox_is_scoped_paged_and_audited(w, client, tips):
    api = Api(client, w.inside["investigator"])
    before = mark()
    body = api.get("/tips", limit=1).json()
    codes = [t["tracking_code"] for t in api.get("/tips").json()["results"]]
    assert "TMINE001" in codes and "TTHEIRS1" not in codes
    assert len(body["results"]) == 1 and body["count"] == len(codes)
    assert [e.actor for e in events_since(before, "messaging.list_tips")] == [w.inside["investigator"]] * 2
    assert api.get("/tips/TMINE001").json()["text"] == "機車被偷"
    assert events_since(before, "messaging.view_tip")[0].object_id == str(tips["mine"].pk)
    assert api.get("/tips/TTHEIRS1").status_code == 404
    assert api.get("/tips/TNOSUCH1").json() == api.get("/tips/TTHEIRS1").json()
    assert Api(client, w.inside["social_liaison"]).get("/tips").status_code == 403
    assert Api(client, w.inside["community_partner"]).get("/tips/TMINE001").status_code == 403


def test_status_is_changed_and_audited(w, client, tips):
    api = Api(client, w.inside["precinct_officer"])
    before = mark()
    closed = api.patch("/tips/TMINE001", {"status": "closed"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed" and closed.json()["closed_at"]
    reopened = api.patch("/tips/TMINE001", {"status": "read"}).json()
    assert reopened["status"] == "read" and reopened["closed_at"] is None
    events = events_since(before, "messaging.tip_status")
    assert [e.extra["status"] for e in events] == ["closed", "read"]
    assert all(e.actor == w.inside["precinct_officer"] for e in events)
    # the station's tip is not the beat's
    assert Api(client, w.inside["beat_officer"]).patch("/tips/TMINE001", {"status": "new"}).status_code == 404


def test_status_changes_are_checked(w, client, tips):
    api = Api(client, w.inside["station_chief"])
    assert "status" in fields(api.patch("/tips/TMINE001", {"status": "deleted"}))
    assert fields(api.patch("/tips/TMINE001", {}))["status"] == "This field is required."
    assert api.patch("/tips/TTHEIRS1", {"status": "closed"}).status_code == 404
    assert (
        Api(client, w.outside["station_chief"]).patch("/tips/TMINE001", {"status": "closed"}).status_code
        == 404
    )
    assert (
        Api(client, w.inside["social_liaison"]).patch("/tips/TMINE001", {"status": "closed"}).status_code
        == 403
    )
    assert Tip.objects.get(tracking_code="TMINE001").status == "new"
    assert Tip.objects.get(tracking_code="TTHEIRS1").status == "new"
