"""Friends are reached by multicast in batches of at most 500 user IDs, each with its own retry key."""

from jingmin.messaging import actions, delivery
from jingmin.messaging.campaigns import plan
from jingmin.messaging.models import Contact, Dispatch
from jingmin.messaging.transports.line import batches

from .conftest import add_friend


def test_batches_split_at_500():
    ids = [f"U{i:032x}" for i in range(1201)]
    chunks = batches(ids)
    assert [len(c) for c in chunks] == [500, 500, 201]
    assert sum(chunks, []) == ids


def test_campaign_to_1201_friends_is_three_multicasts(w, channel, line_server):
    Contact.objects.bulk_create(
        [
            Contact(
                channel=channel,
                unit=w.station,
                kind="user",
                address=f"U{i:032x}",
                address_hash=Contact.hash_address(f"U{i:032x}"),
            )
            for i in range(1201)
        ]
    )
    campaign = actions.send(acting_user=w.inside["station_chief"], title="t", text="hello")
    sizes = sorted(d.deliveries.count() for d in Dispatch.objects.filter(campaign=campaign))
    assert sizes == [201, 500, 500]
    assert set(Dispatch.objects.filter(campaign=campaign).values_list("kind", flat=True)) == {"multicast"}
    assert campaign.cost == 1201
    delivery.drain()
    multicasts = [a for a in line_server.accepted if a["endpoint"] == "multicast"]
    assert sorted(len(a["to"]) for a in multicasts) == [201, 500, 500]
    assert max(line_server.per_recipient.values()) == 1
    assert len(line_server.per_recipient) == 1201


def test_plan_never_exceeds_500(w, channel):
    friends = [add_friend(channel, i) for i in range(3)]
    campaign = actions.save_campaign(acting_user=w.inside["station_chief"], title="t", text="x")
    p = plan(campaign, friends)
    assert [len(d.contacts) for d in p.dispatches] == [3]
