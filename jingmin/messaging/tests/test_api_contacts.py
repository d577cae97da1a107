"""API contacts: LINE groups, friends and e-mail addresses of the jurisdiction, listed with filters and
pages, addresses shown (and the read audited) to the owning station only; e-mail addresses added, contacts
named, placed and tagged, removed at a resident's request — under the page's rules, each write audited."""

import pytest

from jingmin.messaging.models import Channel, Contact

from .conftest import add_group, make_channel
from .helpers import Api, events_since, fields, mark


@pytest.fixture
def group(w):
    return Contact.objects.get(name="開元里 村里長群組")


@pytest.fixture
def their_group(w):
    return add_group(make_channel(w.other_station, slug="theirs"), 1)


def test_list_is_scoped_filtered_paged_and_masked(w, client, their_group):
    api = Api(client, w.inside["station_chief"])
    body = api.get("/contacts").json()
    names = {c["name"] for c in body["results"]}
    assert "開元里 村里長群組" in names and their_group.name not in names
    assert body["count"] == Contact.objects.filter(channel__unit=w.station, status="active").count()
    assert all("…" in c["address"] or "*" in c["address"] for c in body["results"])
    groups = api.get("/contacts", kind="group", tag="village-chiefs").json()
    assert [c["name"] for c in groups["results"]] == ["開元里 村里長群組"]
    in_beat2 = api.get("/contacts", unit=w.beat2.code).json()["results"]
    assert in_beat2 and all(c["unit"] == w.beat2.code for c in in_beat2)
    assert api.get("/contacts", unit=w.other_station.code).json()["count"] == 0
    first, second = api.get("/contacts", limit=1).json(), api.get("/contacts", limit=1, offset=1).json()
    assert len(first["results"]) == 1 and first["results"] != second["results"]
    assert Api(client, w.outside["station_chief"]).get("/contacts", q="開元里").json()["count"] == 0


def test_detail_shows_the_address_to_the_station_only_and_audits_it(w, client, group, their_group):
    before = mark()
    chief = Api(client, w.inside["station_chief"])
    assert chief.get(f"/contacts/{group.pk}").json()["address"] == group.address
    [event] = events_since(before, "messaging.view_contact_address")
    assert event.actor == w.inside["station_chief"] and event.object_id == str(group.pk)
    before = mark()
    above = Api(client, w.inside["precinct_officer"]).get(f"/contacts/{group.pk}").json()
    assert above["address"] != group.address and above["display_name"] is None
    assert events_since(before, "messaging.view_contact_address") == []
    assert chief.get(f"/contacts/{their_group.pk}").status_code == 404
    assert chief.get("/contacts/999999").json() == chief.get(f"/contacts/{their_group.pk}").json()
    assert Api(client, w.inside["social_liaison"]).get(f"/contacts/{group.pk}").status_code == 403


def test_station_adds_an_email_address(w, client):
    api = Api(client, w.inside["station_chief"])
    before = mark()
    made = api.post(
        "/contacts",
        {
            "channel": "demo-email",
            "name": "大樓主委",
            "address": "Chair@Example.org",
            "tags": ["building-committee"],
        },
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["kind"] == "email" and body["address"] == "chair@example.org"
    assert body["tags"] == ["building-committee"]
    [event] = events_since(before, "messaging.add_contact")
    assert event.actor == w.inside["station_chief"] and event.object_id == str(body["id"])


def test_bad_email_contacts_are_refused_by_field(w, client):
    api = Api(client, w.inside["station_chief"])
    ok = {"channel": "demo-email", "name": "n", "address": "a@example.org"}
    assert "address" in fields(api.post("/contacts", {**ok, "address": "not-an-address"}))
    assert (
        "already" in fields(api.post("/contacts", {**ok, "address": "village-chief@example.org"}))["address"]
    )
    assert "demo" in fields(api.post("/contacts", {**ok, "channel": "demo"}))["channel"]  # a LINE channel
    assert "nope" in fields(api.post("/contacts", {**ok, "tags": ["nope"]}))["tags"]
    assert "name" in fields(api.post("/contacts", {**ok, "name": "x" * 121}))
    assert fields(api.post("/contacts", {**ok, "tags": "residents"}))["tags"] == "Enter a list."
    assert not Contact.objects.filter(address_hash=Contact.hash_address("a@example.org")).exists()


def test_an_outsider_channel_reads_as_unknown(w, client):
    Channel.objects.filter(pk=make_channel(w.other_station, slug="their-mail").pk).update(transport="email")
    api = Api(client, w.inside["station_chief"])
    body = {"name": "n", "address": "b@example.org"}
    theirs = fields(api.post("/contacts", {**body, "channel": "their-mail"}))["channel"]
    missing = fields(api.post("/contacts", {**body, "channel": "no-mail"}))["channel"]
    assert theirs.replace("their-mail", "X") == missing.replace("no-mail", "X")


def test_contacts_are_named_placed_and_tagged(w, client, group):
    api = Api(client, w.inside["station_chief"])
    village = w.beat2.villages.first()
    before = mark()
    answer = api.patch(
        f"/contacts/{group.pk}",
        {"name": "新名稱", "unit": w.beat2.code, "village": village.code, "tags": ["residents"]},
    )
    assert answer.status_code == 200, answer.content
    group.refresh_from_db()
    assert (group.name, group.unit, group.village) == ("新名稱", w.beat2, village)
    assert [t.code for t in group.tags.all()] == ["residents"]
    assert [p.username for p in group.partners.all()] == ["demo-partner"]  # not given: kept
    [event] = events_since(before, "messaging.update_contact")
    assert event.actor == w.inside["station_chief"] and event.extra["tags"] == ["residents"]


def test_contact_changes_stay_within_the_station(w, client, group):
    api = Api(client, w.inside["station_chief"])
    assert (
        w.other_station.code
        in fields(api.patch(f"/contacts/{group.pk}", {"unit": w.other_station.code}))["unit"]
    )
    far = w.other_beat.villages.first()
    assert far.code in fields(api.patch(f"/contacts/{group.pk}", {"village": far.code}))["village"]
    outsider = w.outside["community_partner"].username
    assert outsider in fields(api.patch(f"/contacts/{group.pk}", {"partners": [outsider]}))["partners"]
    assert fields(api.patch(f"/contacts/{group.pk}", {"tags": [1]}))["tags.0"] == "Enter a text."
    group.refresh_from_db()
    assert group.unit == w.beat and group.name == "開元里 村里長群組"


def test_contact_writes_need_the_capability_and_the_scope(w, client, group):
    assert (
        Api(client, w.inside["investigator"]).patch(f"/contacts/{group.pk}", {"name": "x"}).status_code == 403
    )
    assert Api(client, w.inside["investigator"]).delete(f"/contacts/{group.pk}").status_code == 403
    outside = Api(client, w.outside["station_chief"])
    assert outside.patch(f"/contacts/{group.pk}", {"name": "x"}).status_code == 404
    assert outside.delete(f"/contacts/{group.pk}").status_code == 404
    assert (
        Api(client, w.inside["beat_officer"])
        .post("/contacts", {"channel": "demo-email", "name": "n", "address": "c@example.org"})
        .status_code
        == 422
    )  # the station's e-mail channel is not the beat's: unknown to it


def test_removal_at_the_residents_request(w, client, group):
    api = Api(client, w.inside["station_chief"])
    before = mark()
    assert api.delete(f"/contacts/{group.pk}").status_code == 204
    group.refresh_from_db()
    assert group.status == "removed" and group.address == "" and not group.tags.exists()
    [event] = events_since(before, "messaging.remove_contact")
    assert event.actor == w.inside["station_chief"]
    assert api.delete(f"/contacts/{group.pk}").status_code == 403
    assert api.patch(f"/contacts/{group.pk}", {"name": "back"}).status_code == 403
