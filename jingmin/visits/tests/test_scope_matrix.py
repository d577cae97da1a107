"""Scope matrix: every new list, detail, API and GeoJSON endpoint, for each role inside and outside the
jurisdiction (and a user with no unit). Out of scope answers 404 like missing; without the capability 403."""

import pytest
from django.utils import timezone

from jingmin.intel import actions as intel_actions
from jingmin.org import roles
from jingmin.people.actions import create_household
from jingmin.people.actions import search as search_actions
from jingmin.people.testing import make_person
from jingmin.places.testing import make_place
from jingmin.test import point_in
from jingmin.visits import actions

ROLES = list(roles.ROLES)


@pytest.fixture
def objs(w):
    beat_officer = w.inside["beat_officer"]
    person = make_person(beat_officer, w.beat)
    lat, lon = point_in(w.beat)
    household = create_household(
        acting_user=beat_officer, data={"address": "開元路1號", "lat": lat, "lon": lon}
    )
    place = make_place(w.inside["station_chief"], w.beat)
    visit = actions.log_visit(
        acting_user=beat_officer, data={"place": place.pk, "visited_at": timezone.now(), "method": "phone"}
    )
    report = intel_actions.file_intel(acting_user=beat_officer, data={"kind": "drugs", "text": "x"})
    search = search_actions.open_search(acting_user=beat_officer, person=person)
    return {
        "person": person,
        "household": household,
        "place": place,
        "visit": visit,
        "report": report,
        "search": search,
    }


def endpoints(o):
    # capability, list URL (JSON/API or page), detail URL, marker that shows the object in the list
    return [
        (
            "places.view",
            f"/api/v1/places?q={o['place'].name}",
            f"/api/v1/places/{o['place'].pk}",
            o["place"].name,
        ),
        (
            "places.view",
            f"/places/?q={o['place'].name}",
            f"/places/{o['place'].pk}/",
            f'href="/places/{o["place"].pk}/"',
        ),
        (
            "people.view",
            f"/api/v1/persons?q={o['person'].name}",
            f"/api/v1/persons/{o['person'].pk}?reason=supervision",
            o["person"].name,
        ),
        (
            "people.view",
            f"/people/?q={o['person'].name}",
            f"/people/{o['person'].pk}/?reason=supervision",
            f'href="/people/{o["person"].pk}/"',
        ),
        (
            "people.view",
            "/api/v1/households?q=開元路1號",
            f"/api/v1/households/{o['household'].pk}",
            o["household"].address,
        ),
        (
            "people.view",
            "/people/households/?q=開元路1號",
            f"/people/households/{o['household'].pk}/",
            f'href="/people/households/{o["household"].pk}/"',
        ),
        (
            "visits.view",
            f"/api/v1/visits?place={o['place'].pk}",
            f"/api/v1/visits/{o['visit'].pk}",
            f'"id": {o["visit"].pk},',
        ),
        (
            "intel.view",
            "/api/v1/intel-reports?status=submitted",
            f"/api/v1/intel-reports/{o['report'].pk}",
            f'"id": {o["report"].pk},',
        ),
        (
            "intel.view",
            "/visits/intel/",
            f"/visits/intel/{o['report'].pk}/",
            f"/visits/intel/{o['report'].pk}/",
        ),
    ]


def body(response):
    import json

    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


def check(client, user, o, inside):
    client.force_login(user)
    for cap, list_url, detail_url, marker in endpoints(o):
        allowed = roles.can(user, cap)
        lst = client.get(list_url)
        det = client.get(detail_url)
        if not allowed:
            assert lst.status_code == 403, (list_url, user)
            assert det.status_code == 403, (detail_url, user)
            continue
        assert lst.status_code == 200, (list_url, user)
        assert (marker in body(lst)) is inside, (list_url, user)
        assert det.status_code == (200 if inside else 404), (detail_url, user)


@pytest.mark.parametrize("role", ROLES)
def test_inside(client, w, objs, role):
    check(client, w.inside[role], objs, inside=True)


@pytest.mark.parametrize("role", ROLES)
def test_outside(client, w, objs, role):
    check(client, w.outside[role], objs, inside=False)


def test_other_beat_of_the_same_station(client, w, objs):
    from django.contrib.auth import get_user_model

    check(client, get_user_model().objects.get(username="demo-beat2"), objs, inside=False)


def test_nounit(client, w, objs):
    client.force_login(w.nounit)  # a beat officer without a unit: the capabilities, no jurisdiction
    for cap, list_url, detail_url, marker in endpoints(objs):
        allowed = roles.can(w.nounit, cap)
        lst = client.get(list_url)
        assert lst.status_code == (200 if allowed else 403), (list_url, lst.status_code)
        assert marker not in body(lst), list_url
        assert client.get(detail_url).status_code == (404 if allowed else 403), detail_url
    assert client.get("/api/v1/search-requests").json()["count"] == 0
    assert client.get("/api/v1/visits/due").json()["count"] == 0


@pytest.mark.parametrize("role", ROLES)
def test_search_requests_are_city_wide(client, w, objs, role):
    for user in (w.inside[role], w.outside[role]):
        client.force_login(user)
        r = client.get(f"/api/v1/search-requests/{objs['search'].pk}")
        assert r.status_code == (200 if roles.can(user, "search.view") else 403)


@pytest.mark.parametrize("role", ROLES)
def test_geojson_layers(client, w, objs, role):
    bbox = "120.15,22.95,120.25,23.05"
    for user, inside in ((w.inside[role], True), (w.outside[role], False)):
        client.force_login(user)
        places = client.get(f"/api/v1/places.geojson?bbox={bbox}&zoom=16")
        if roles.can(user, "places.view"):
            ids = [f.get("id") for f in places.json()["features"]]
            assert (objs["place"].pk in ids) is inside
        else:
            assert places.status_code == 403
        persons = client.get(f"/api/v1/persons.geojson?bbox={bbox}&zoom=16")
        if roles.can(user, "people.view"):
            data = persons.json()
            assert data["mode"] == "points"
            assert (objs["person"].pk in [f.get("id") for f in data["features"]]) is inside
        elif roles.can(user, "people.map_counts"):
            data = persons.json()
            assert data["mode"] == "village-counts"
            text = body(persons)
            assert (
                objs["person"].name not in text
            )  # never a person on the map for a role that may not read them
            assert all("count" in f["properties"] and "kind" not in f["properties"] for f in data["features"])
            villages = [f["properties"]["village"] for f in data["features"]]
            assert (objs["person"].village.code in villages) is inside
        else:
            assert persons.status_code == 403
