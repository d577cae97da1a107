"""A campaign that reaches more than one station's audiences waits for each station chief's approval."""

import pytest
from django.core.exceptions import PermissionDenied

from jingmin.messaging import actions, delivery
from jingmin.messaging.models import Campaign, Channel, Delivery
from jingmin.org import roles
from jingmin.test import make_user

from .conftest import add_group, make_channel


@pytest.fixture
def two_stations(w, line_server):
    Channel.objects.filter(slug__startswith="demo").update(is_active=False)
    a = make_channel(w.station, line_server, slug="s1")
    b = make_channel(w.sibling_station, line_server, slug="s2")
    return add_group(a, 1, server=line_server), add_group(b, 1, server=line_server)


def test_precinct_campaign_needs_both_chiefs(w, two_stations, line_server):
    chief2 = make_user("chief-s02", roles.STATION_CHIEF, w.sibling_station)
    campaign = actions.send(acting_user=w.inside["precinct_officer"], title="全分局", text="識詐")
    assert campaign.status == Campaign.Status.PENDING_APPROVAL
    assert set(Delivery.objects.filter(campaign=campaign).values_list("status", flat=True)) == {"held"}
    assert delivery.drain()["claimed"] == 0
    with pytest.raises(PermissionDenied):  # the author cannot approve their own campaign
        actions.decide(acting_user=w.inside["precinct_officer"], campaign=campaign, approve=True)
    with pytest.raises(PermissionDenied):  # nor a chief of another precinct
        actions.decide(acting_user=w.outside["station_chief"], campaign=campaign, approve=True)
    actions.decide(acting_user=w.inside["station_chief"], campaign=campaign, approve=True)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PENDING_APPROVAL  # S02 still to decide
    actions.decide(acting_user=chief2, campaign=campaign, approve=True)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENDING
    assert delivery.drain()["sent"] == 2
    assert all(line_server.delivered(g.address) == 1 for g in two_stations)


def test_rejection_cancels_everything(w, two_stations):
    campaign = actions.send(acting_user=w.inside["precinct_officer"], title="全分局", text="識詐")
    actions.decide(acting_user=w.inside["station_chief"], campaign=campaign, approve=False)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.REJECTED
    assert set(Delivery.objects.filter(campaign=campaign).values_list("status", flat=True)) == {"cancelled"}


def test_one_station_campaign_needs_no_approval(w, two_stations):
    campaign = actions.send(acting_user=w.inside["station_chief"], title="所內", text="x")
    assert campaign.status == Campaign.Status.SENDING
