"""Scope: a station cannot send to another station's groups nor read its tips; partners see their groups only."""

import pytest
from django.core.exceptions import PermissionDenied

from jingmin.messaging import actions
from jingmin.messaging.campaigns import resolve_audience
from jingmin.messaging.models import Channel, Contact, Tip

from .conftest import add_group, make_channel


@pytest.fixture
def other(w, line_server):
    Channel.objects.filter(slug__startswith="demo").update(is_active=False)
    mine = make_channel(w.station, line_server, slug="mine")
    theirs = make_channel(w.other_station, line_server, slug="theirs")
    my_group = add_group(mine, 1, server=line_server)
    their_group = add_group(theirs, 1, server=line_server)
    their_tip = Tip.objects.create(
        unit=w.other_station, channel=theirs, kind="text", text="secret", tracking_code="TTHEIRS1"
    )
    my_tip = Tip.objects.create(
        unit=w.station,
        channel=mine,
        kind="text",
        text="mine",
        tracking_code="TMINE001",
        source="group",
        group=my_group,
    )
    return {
        "mine": mine,
        "theirs": theirs,
        "my_group": my_group,
        "their_group": their_group,
        "their_tip": their_tip,
        "my_tip": my_tip,
    }


def test_audience_never_includes_another_stations_groups(w, other):
    campaign = actions.save_campaign(acting_user=w.inside["station_chief"], title="t", text="x")
    assert list(resolve_audience(campaign, w.inside["station_chief"])) == [other["my_group"]]


def test_naming_another_stations_group_is_refused(w, other):
    with pytest.raises(PermissionDenied):
        actions.send(
            acting_user=w.inside["station_chief"], title="t", text="x", contacts=[other["their_group"]]
        )
    with pytest.raises(PermissionDenied):
        actions.send(acting_user=w.inside["station_chief"], title="t", text="x", units=[w.other_station])


def test_other_station_campaigns_channels_and_contacts_are_404(w, other, client):
    theirs = actions.send(acting_user=w.outside["station_chief"], title="theirs", text="x")
    client.force_login(w.inside["station_chief"])
    assert client.get(f"/messaging/campaigns/{theirs.pk}/").status_code == 404
    assert client.get(f"/messaging/contacts/{other['their_group'].pk}/").status_code == 404
    assert client.get("/messaging/channels/theirs/").status_code == 404
    assert client.post(f"/messaging/campaigns/{theirs.pk}/cancel/").status_code == 404


def test_tips_of_another_station_cannot_be_read(w, other, client):
    client.force_login(w.inside["station_chief"])
    assert client.get("/messaging/tips/TTHEIRS1/").status_code == 404
    assert "TTHEIRS1" not in client.get("/messaging/tips/").content.decode()
    codes = [t["tracking_code"] for t in client.get("/api/v1/messaging/tips").json()["results"]]
    assert codes == ["TMINE001"]
    assert client.get("/api/v1/messaging/tips/TTHEIRS1").status_code == 404


def test_tips_need_the_capability(w, other, client):
    client.force_login(w.inside["social_liaison"])
    assert client.get("/messaging/tips/").status_code == 403
    assert client.get("/api/v1/messaging/tips").status_code == 403
    client.force_login(w.inside["investigator"])
    assert client.get("/api/v1/messaging/tips").status_code == 200
    client.force_login(w.nounit)  # a unit-less user sees nothing
    assert client.get("/api/v1/messaging/tips").json()["results"] == []


def test_partner_sees_only_their_own_groups_messages(w, other, client):
    partner = w.inside["community_partner"]
    assert list(Tip.objects.for_partner(partner)) == []
    other["my_group"].partners.add(partner)
    assert list(Tip.objects.for_partner(partner)) == [other["my_tip"]]
    client.force_login(partner)
    html = client.get("/messaging/group-messages/").content.decode()
    assert "mine" in html and "secret" not in html
    assert client.get("/messaging/tips/").status_code == 403


def test_resident_line_ids_are_shown_to_the_station_only(w, other, client):
    friend = Contact.objects.create(
        channel=other["mine"],
        unit=w.station,
        kind="user",
        address="U" + "1" * 32,
        address_hash=Contact.hash_address("U" + "1" * 32),
    )
    client.force_login(w.inside["station_chief"])
    assert "U" + "1" * 32 in client.get(f"/messaging/contacts/{friend.pk}/").content.decode()
    client.force_login(w.inside["precinct_officer"])
    html = client.get(f"/messaging/contacts/{friend.pk}/").content.decode()
    assert "U" + "1" * 32 not in html and "U111…1111" in html
