"""Reads of several persons are audited: the list page, the API list, households and their members, and
the map's person points (once per user and minute); ID-number filters are noted, never stored."""

import pytest

from jingmin.audit.models import AuditEvent
from jingmin.org import roles
from jingmin.people import actions
from jingmin.people.models import Household, Person

pytestmark = pytest.mark.django_db

CHIEF = roles.STATION_CHIEF


def last_read():
    return AuditEvent.objects.filter(action="people.list_read").order_by("-id").first()


def reads():
    return AuditEvent.objects.filter(action="people.list_read").count()


def test_list_page_names_what_was_shown(w, client):
    user = w.inside[CHIEF]
    client.force_login(user)
    visible = set(
        Person.objects.visible_to(user)
        .listed(__import__("datetime").date.today())
        .values_list("pk", flat=True)
    )
    before = reads()
    response = client.get("/people/", {"q": "", "national_id": "A123456789"})
    assert response.status_code == 200
    assert reads() == before + 1
    event = last_read()
    assert event.actor == user and event.extra["what"] == "persons"
    assert event.extra["filters"] == {"national_id": True}  # noted, the number itself is not stored
    assert "A123456789" not in str(event.extra)
    assert set(event.extra["ids"]) <= visible


def test_api_list_and_households_audited(w, client):
    user = w.inside[CHIEF]
    client.force_login(user)
    before = reads()
    body = client.get("/api/v1/persons", {"limit": 5}).json()
    event = last_read()
    assert event.extra["what"] == "persons"
    assert event.extra["ids"] == [p["id"] for p in body["results"]]
    assert event.extra["count"] == body["count"]
    assert client.get("/api/v1/households").status_code == 200
    assert last_read().extra["what"] == "households"
    household = Household.objects.visible_to(user).first()
    assert household is not None
    out = client.get(f"/api/v1/households/{household.pk}").json()
    event = last_read()
    assert event.extra["what"] == "household"
    assert event.extra["ids"] == [m["id"] for m in out["members"]]
    assert client.get(f"/people/households/{household.pk}/").status_code == 200
    assert client.get("/people/households/").status_code == 200
    assert reads() == before + 5


def test_refused_reads_write_nothing(w, client):
    before = AuditEvent.objects.count()
    client.force_login(w.inside[roles.COMMUNITY_PARTNER])
    assert client.get("/api/v1/persons").status_code == 403
    assert client.get("/people/").status_code == 403
    client.force_login(w.outside[CHIEF])
    household = Household.objects.visible_to(w.inside[CHIEF]).first()
    assert client.get(f"/api/v1/households/{household.pk}").status_code == 404
    assert AuditEvent.objects.count() == before


def test_map_points_audited_once_a_minute(w):
    user = w.inside[CHIEF]
    points = (
        b'{"type":"FeatureCollection","features":[{"type":"Feature","id":7},{"type":"Feature","id":9}],'
        b'"aggregated":false,"total":2,"zoom":16,"bbox":[1,2,3,4],"mode":"points"}'
    )
    kwargs = {"acting_user": user, "bbox": "1,2,3,4", "zoom": "16", "scope": "x"}
    event = actions.record_map_read(body=points, now=1000.0, **kwargs)
    assert event is not None and event.extra["ids"] == [7, 9] and event.extra["what"] == "map"
    assert actions.record_map_read(body=points, now=1030.0, **kwargs) is None
    assert actions.record_map_read(body=points, now=1061.0, **kwargs) is not None
    # cells, village counts and empty answers name nobody: nothing to record
    for body in (
        points.replace(b'"aggregated":false', b'"aggregated":true'),
        points.replace(b'"mode":"points"', b'"mode":"village-counts"'),
        b'{"type":"FeatureCollection","features":[],"aggregated":false,"total":0,"zoom":16,"bbox":[1,2,3,4],'
        b'"mode":"points"}',
    ):
        assert actions.record_map_read(body=body, now=5000.0, **{**kwargs, "scope": str(body)}) is None


def test_map_endpoint_audits_person_points(w, client):
    user = w.inside[CHIEF]
    client.force_login(user)
    person = Person.objects.visible_to(user).exclude(lat=None).first()
    assert person is not None
    d = 0.002
    bbox = f"{person.lon - d},{person.lat - d},{person.lon + d},{person.lat + d}"
    before = reads()
    body = client.get("/api/v1/persons.geojson", {"bbox": bbox, "zoom": 17}).json()
    assert body["mode"] == "points" and body["features"]
    assert reads() == before + 1
    assert person.pk in last_read().extra["ids"]
    client.get("/api/v1/persons.geojson", {"bbox": bbox, "zoom": 17})
    assert reads() == before + 1  # same minute
    # a role that sees counts per village only: no person is named, nothing recorded
    client.force_login(w.inside[roles.COMMUNITY_PARTNER])
    response = client.get("/api/v1/persons.geojson", {"bbox": bbox, "zoom": 17})
    assert reads() == before + 1, response.content[:200]


def test_search_requests_reads_audited(w, client):
    from jingmin.people.models import SearchRequest

    user = w.inside[roles.BEAT_OFFICER]
    client.force_login(user)
    search = SearchRequest.objects.visible_to(user).first()
    assert search is not None
    before = reads()
    listing = client.get("/api/v1/search-requests", {"status": ""}).json()
    event = last_read()
    assert event.extra["what"] == "search-requests" and event.extra["count"] == listing["count"]
    assert client.get(f"/api/v1/search-requests/{search.pk}").status_code == 200
    assert last_read().extra == {
        "what": "search-request",
        "count": 1,
        "ids": [search.person_id],
        "filters": {"search": search.pk},
    }
    assert client.get("/visits/search/").status_code == 200
    assert client.get(f"/visits/search/{search.pk}/").status_code == 200
    assert reads() == before + 4
