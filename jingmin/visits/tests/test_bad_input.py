"""Bad input: each refused with a field-level, translated reason, and nothing written."""

import datetime as dt

import pytest
from django.utils import timezone

from jingmin.audit.models import AuditEvent
from jingmin.intel.models import IntelReport
from jingmin.people.models import Household, Person, SearchRequest
from jingmin.people.testing import make_person, new_id
from jingmin.places.models import Place
from jingmin.places.testing import make_place
from jingmin.test import point_in
from jingmin.visits.models import Visit

OUTSIDE_TAINAN = {"lat": 25.04, "lon": 121.56}  # Taipei


def snapshot():
    return (
        Place.objects.count(),
        Person.objects.count(),
        Household.objects.count(),
        Visit.objects.count(),
        IntelReport.objects.count(),
        SearchRequest.objects.count(),
        AuditEvent.objects.count(),
    )


def post(client, url, data, lang="en"):
    return client.post(url, data, content_type="application/json", HTTP_ACCEPT_LANGUAGE=lang)


def fields(response):
    return {e["field"]: e["message"] for e in response.json().get("errors", [])}


def test_point_outside_tainan(client, w):
    client.force_login(w.inside["station_chief"])
    before = snapshot()
    r = post(client, "/api/v1/places", {"name": "x", "category": "tea-shop", "risk": 2, **OUTSIDE_TAINAN})
    assert r.status_code == 422
    assert fields(r)["lat"] == "This point is outside Tainan."
    r = post(
        client,
        "/api/v1/places",
        {"name": "x", "category": "tea-shop", "risk": 2, **OUTSIDE_TAINAN},
        lang="zh-hant",
    )
    assert fields(r)["lat"] == "此位置不在臺南市內。"
    assert snapshot() == before


def test_unknown_category_and_every_field(client, w):
    client.force_login(w.inside["station_chief"])
    before = snapshot()
    r = post(
        client, "/api/v1/places", {"name": "", "category": "casino", "risk": 9, "lat": "abc", "lon": "x"}
    )
    assert r.status_code == 422
    errors = fields(r)
    assert errors["category"] == "Unknown category: casino"
    assert set(errors) >= {"name", "category", "risk", "lat"}
    r = post(
        client,
        "/api/v1/persons",
        {"kind": "concern", "category": "jaywalking", "name": "x", "lat": 23.0, "lon": 120.2},
    )
    assert fields(r)["category"] == "Unknown category: jaywalking"
    assert snapshot() == before


def test_duplicate_national_id(client, w):
    nid = new_id()
    make_person(w.inside["beat_officer"], w.beat, national_id=nid)
    client.force_login(w.inside["beat_officer"])
    lat, lon = point_in(w.beat)
    before = snapshot()
    data = {"kind": "concern", "category": "theft", "name": "重複", "national_id": nid.lower(), "lat": lat, "lon": lon,
            "sentence_end": "2025-01-01"}  # fmt: skip
    r = post(client, "/api/v1/persons", data)
    assert r.status_code == 422
    assert fields(r)["national_id"] == "A person with this ID number is already registered."
    r = post(client, "/api/v1/persons", data, lang="zh-hant")
    assert fields(r)["national_id"] == "此身分證統一編號已登錄。"
    assert snapshot() == before


def test_impossible_date_range(client, w):
    client.force_login(w.inside["beat_officer"])
    lat, lon = point_in(w.beat)
    before = snapshot()
    r = post(
        client,
        "/api/v1/persons",
        {"kind": "concern", "category": "theft", "name": "日期", "national_id": new_id(), "lat": lat, "lon": lon,
         "parole_release": "2025-05-01", "parole_revoked_on": "2025-03-01", "sentence_end": "2026-01-01"},
    )  # fmt: skip
    assert r.status_code == 422
    assert "parole_revoked_on" in fields(r)
    assert snapshot() == before


def test_visit_for_a_person_outside_the_beat(client, w):
    other = make_person(w.inside["station_chief"], w.beat2)
    client.force_login(w.inside["beat_officer"])
    before = snapshot()
    r = post(
        client,
        "/api/v1/visits",
        {"person": other.pk, "visited_at": timezone.now().isoformat(), "arranged": True},
    )
    assert r.status_code == 422
    assert fields(r)["person"] == "Unknown person."  # out of sight: the answer of a missing id
    r = post(
        client,
        "/api/v1/visits",
        {"person": other.pk, "visited_at": timezone.now().isoformat(), "arranged": True},
        "zh-hant",
    )
    assert fields(r)["person"] == "未知的對象。"
    assert snapshot() == before


def test_out_of_sight_answers_like_missing(client, w):
    """A person or place of another precinct gets the very answer of an id that does not exist."""
    person = make_person(w.outside["station_chief"], w.other_beat)
    place = Place.objects.filter(unit__path__startswith=w.other_precinct.path).first() or make_place(
        w.outside["station_chief"], w.other_beat
    )
    client.force_login(w.inside["beat_officer"])
    before = snapshot()
    when = timezone.now().isoformat()
    for field, hidden in (("person", person.pk), ("place", place.pk)):
        seen = post(client, "/api/v1/visits", {field: hidden, "visited_at": when, "arranged": True})
        missing = post(client, "/api/v1/visits", {field: 99_999_999, "visited_at": when, "arranged": True})
        assert seen.status_code == missing.status_code == 422
        assert seen.json() == missing.json(), field
    assert snapshot() == before


def test_visit_in_the_future_or_without_subject(client, w):
    person = make_person(w.inside["beat_officer"], w.beat)
    client.force_login(w.inside["beat_officer"])
    before = snapshot()
    later = (timezone.now() + dt.timedelta(days=1)).isoformat()
    r = post(
        client,
        "/api/v1/visits",
        {"person": person.pk, "visited_at": later, "arranged": True, "method": "teleport"},
    )
    assert set(fields(r)) == {"visited_at", "method"}
    r = post(client, "/api/v1/visits", {"visited_at": timezone.now().isoformat()})
    assert "person" in fields(r)
    assert snapshot() == before


@pytest.mark.parametrize(
    "url,data,field",
    [
        (
            "/places/new/",
            {"name": "x", "category": "tea-shop", "risk": "2", "lat": "25.04", "lon": "121.56"},
            "lat",
        ),
        (
            "/places/new/",
            {"name": "x", "category": "nope", "risk": "2", "lat": "23", "lon": "120.2"},
            "category",
        ),
        (
            "/people/new/",
            {
                "kind": "concern",
                "category": "theft",
                "name": "x",
                "national_id": "A123456788",
                "lat": "23",
                "lon": "120.2",
            },
            "national_id",
        ),
        ("/people/households/new/", {"address": "", "lat": "x", "lon": "120.2"}, "address"),
    ],
)
def test_forms_show_field_errors(client, w, url, data, field):
    client.force_login(w.inside["station_chief"])
    before = snapshot()
    r = client.post(url, data)
    assert r.status_code == 200
    assert field in r.context["form"].errors
    assert snapshot() == before
