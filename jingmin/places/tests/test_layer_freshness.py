"""The cached places layer is fresh after every kind of write: a new, edited, deactivated, deleted or
bulk-updated place, a category change, a unit moved in the tree, the caller moved to another unit."""

import pytest
from django.utils import timezone

from jingmin.org.importer import _repath_descendants
from jingmin.org.models import Officer
from jingmin.places import actions
from jingmin.places.models import Category, Place
from jingmin.places.testing import make_place
from jingmin.test import point_in

BBOX = "120.05,22.90,120.65,23.40"


def ids(client, user, **extra):
    client.force_login(user)
    query = "&".join(f"{k}={v}" for k, v in {"bbox": BBOX, "zoom": 16, **extra}.items())
    r = client.get(f"/api/v1/places.geojson?{query}")
    assert r.status_code == 200
    return {f.get("id"): f["properties"] for f in r.json()["features"]}


@pytest.fixture
def chief(w):
    return w.inside["station_chief"]


def test_new_place_appears_at_once(client, w, chief):
    before = ids(client, chief)  # warms the caches
    assert ids(client, chief) == before
    place = make_place(chief, w.beat)
    assert place.pk in ids(client, chief)


def test_edited_place_is_shown_edited(client, w, chief):
    place = make_place(chief, w.beat, risk=1)
    assert ids(client, chief)[place.pk]["risk"] == 1
    actions.update_place(acting_user=chief, place=place, data={"name": "新名稱", "category": "tea-shop", "risk": 3,
                         "lat": place.lat, "lon": place.lon})  # fmt: skip
    props = ids(client, chief)[place.pk]
    assert props["risk"] == 3 and props["name"] == "新名稱"
    assert ids(client, chief, risk=3)[place.pk]["name"] == "新名稱"


def test_deactivated_and_deleted_places_disappear(client, w, chief):
    a = make_place(chief, w.beat)
    b = make_place(chief, w.beat)
    assert {a.pk, b.pk} <= set(ids(client, chief))
    actions.update_place(acting_user=chief, place=a, data={"name": a.name, "category": "tea-shop", "risk": 2,
                         "lat": a.lat, "lon": a.lon, "active": False})  # fmt: skip
    assert a.pk not in ids(client, chief)
    Place.objects.filter(pk=b.pk).delete()  # e.g. from the admin
    assert b.pk not in ids(client, chief)


def test_bulk_update_and_category_rename_are_seen(client, w, chief):
    place = make_place(chief, w.beat)
    assert ids(client, chief)[place.pk]["last_visited"] is None
    visited = timezone.now() - timezone.timedelta(days=3, hours=1)
    Place.objects.filter(pk=place.pk).update(last_visited_at=visited)  # QuerySet.update: no signals
    props = ids(client, chief)[place.pk]
    assert props["days_since_visit"] == 3 and props["last_visited"].startswith(visited.date().isoformat())
    assert place.pk not in ids(client, chief, not_visited_days=7)
    assert place.pk in ids(client, chief, not_visited_days=2)
    Category.objects.filter(code="tea-shop").update(code="tea-house")
    assert ids(client, chief)[place.pk]["category"] == "tea-house"


def test_unit_moved_in_the_tree_changes_the_scope(client, w):
    """A station moved to another precinct takes its places out of the old precinct's layer (the old
    point cache, stamped by the places table alone, kept showing them)."""
    precinct_officer = w.inside["precinct_officer"]
    place = make_place(precinct_officer, w.sibling_station.children.first())
    assert place.pk in ids(client, precinct_officer)
    station = w.sibling_station
    old_path = station.path
    station.parent = w.other_precinct
    station.save()
    _repath_descendants(station, old_path)
    assert place.pk not in ids(client, precinct_officer)
    assert place.pk in ids(client, w.outside["precinct_officer"])


def test_caller_moved_to_another_unit(client, w):
    beat_officer = w.inside["beat_officer"]
    place = make_place(w.inside["station_chief"], w.beat2)
    assert place.pk not in ids(client, beat_officer)
    Officer.objects.filter(user=beat_officer).update(unit=w.beat2)
    assert place.pk in ids(client, beat_officer)


def test_moved_point_is_shown_at_its_new_place(client, w, chief):
    place = make_place(chief, w.beat)
    client.force_login(chief)
    url = f"/api/v1/places.geojson?bbox={BBOX}&zoom=16"
    where = {f.get("id"): f["geometry"]["coordinates"] for f in client.get(url).json()["features"]}
    assert where[place.pk] == [place.lon, place.lat]
    lat2, lon2 = point_in(w.beat2)
    actions.update_place(acting_user=chief, place=place, data={"name": place.name, "category": "tea-shop",
                         "risk": 2, "lat": lat2, "lon": lon2})  # fmt: skip
    where = {f.get("id"): f["geometry"]["coordinates"] for f in client.get(url).json()["features"]}
    assert where[place.pk] == [lon2, lat2]
