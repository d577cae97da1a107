"""The cached persons layer is fresh after every kind of write: a new, edited, moved, purged or deleted
person, a village moved to another beat (village counts), a role change (points ↔ counts)."""

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from jingmin.org import roles
from jingmin.org.models import Village
from jingmin.people import actions
from jingmin.people.models import Person
from jingmin.people.testing import make_person

BBOX = "120.05,22.90,120.65,23.40"


def layer(client, user, zoom=16):
    client.force_login(user)
    r = client.get(f"/api/v1/persons.geojson?bbox={BBOX}&zoom={zoom}")
    assert r.status_code == 200
    return r.json()


def ids(client, user):
    data = layer(client, user)
    assert data["mode"] == "points"
    return {f.get("id"): f["properties"] for f in data["features"]}


@pytest.fixture
def officer(w):
    return w.inside["beat_officer"]


def test_new_edited_and_removed_persons(client, w, officer):
    before = ids(client, officer)
    person = make_person(officer, w.beat)
    assert person.pk in ids(client, officer) and person.pk not in before
    actions.update_person(acting_user=officer, person=person, data={"name": "改名者", "kind": person.kind,
                          "category": "theft", "lat": person.lat, "lon": person.lon})  # fmt: skip
    assert ids(client, officer)[person.pk]["name"] == "改名者"
    Person.objects.filter(pk=person.pk).update(whereabouts_unknown=True)
    assert ids(client, officer)[person.pk]["whereabouts_unknown"] is True
    Person.objects.filter(pk=person.pk).update(purged_at=timezone.now(), name="")  # what retention does
    assert person.pk not in ids(client, officer)
    other = make_person(officer, w.beat)
    assert other.pk in ids(client, officer)
    Person.objects.filter(pk=other.pk).delete()
    assert other.pk not in ids(client, officer)


def _count_in(data, village):
    return {f["properties"]["village"]: f["properties"]["count"] for f in data["features"]}.get(village.code)


def test_village_moved_to_another_beat_updates_village_counts(client, w, officer):
    """A community partner of the station sees counts per village of its beats; a village moved to a
    beat of another station leaves its counts at once (the importer moves villages with QuerySet.update)."""
    partner = w.inside[roles.COMMUNITY_PARTNER]
    person = make_person(officer, w.beat)
    village = person.village
    data = layer(client, partner)
    assert data["mode"] == "village-counts" and _count_in(data, village) >= 1
    assert person.name not in str(data)
    target = w.sibling_station.children.first()
    Village.objects.filter(pk=village.pk).update(beat=target)
    assert _count_in(layer(client, partner), village) is None
    Village.objects.filter(pk=village.pk).update(beat=w.beat)
    assert _count_in(layer(client, partner), village) >= 1


def test_role_change_switches_points_and_counts(client, w, officer):
    person = make_person(officer, w.beat)
    assert person.pk in ids(client, officer)
    officer.groups.set([Group.objects.get(name=roles.COMMUNITY_PARTNER)])
    data = layer(client, officer)
    assert data["mode"] == "village-counts" and person.name not in str(data)
    officer.groups.set([Group.objects.get(name=roles.INVESTIGATOR)])
    assert person.name not in str(layer(client, officer))
    officer.groups.clear()
    client.force_login(officer)
    assert client.get(f"/api/v1/persons.geojson?bbox={BBOX}&zoom=16").status_code == 403


def test_grid_counts_follow_writes(client, w, officer, monkeypatch):
    from jingmin.geo import layers

    monkeypatch.setattr(layers, "MAX_POINTS", 0)
    before = layer(client, officer, zoom=11)
    assert before["aggregated"] is True
    make_person(officer, w.beat)
    after = layer(client, officer, zoom=11)
    assert after["total"] == before["total"] + 1
    assert sum(f["properties"]["count"] for f in after["features"]) == after["total"]
