"""Whereabouts unknown (行方不明) across two precincts: the registering beat asks the bureau for a search,
an officer of another precinct sees it, meets the person, reports "found"; the registered-address unit is
notified and, as the person lives there, the other precinct's beat takes over the visits."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jingmin.audit.models import AuditEvent
from jingmin.people.actions import search as actions
from jingmin.people.models import Notice, NoticeKind, Person, SearchRequest, SearchStatus
from jingmin.people.testing import make_person
from jingmin.test import point_in
from jingmin.visits import schedule
from jingmin.visits.models import Plan


def test_lifecycle_across_two_precincts(client, w):
    beat_officer = w.inside["beat_officer"]
    person = make_person(beat_officer, w.beat)
    schedule.generate()
    outsider = w.outside["beat_officer"]  # TNPD-P01-S01-B01

    # the other precinct cannot read the person …
    client.force_login(outsider)
    assert client.get(f"/api/v1/persons/{person.pk}?reason=search").status_code == 404

    # … the registering beat flags the person and opens a search (one audit event)
    client.force_login(beat_officer)
    events = AuditEvent.objects.count()
    r = client.post(
        "/api/v1/search-requests",
        {"person": person.pk, "note": "兩個月未遇"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.json()
    search = SearchRequest.objects.get(pk=r.json()["id"])
    assert AuditEvent.objects.count() == events + 1
    assert search.unit == w.bureau and search.status == SearchStatus.OPEN
    assert Person.objects.get(pk=person.pk).whereabouts_unknown
    # no longer on the due list while missing; a second search is refused
    assert person.pk not in [i["id"] for i in client.get("/api/v1/visits/due").json()["results"]]
    r = client.post("/api/v1/search-requests", {"person": person.pk}, content_type="application/json")
    assert r.status_code == 422

    # every officer of the city sees the search, with the ID masked
    client.force_login(outsider)
    listed = client.get("/api/v1/search-requests").json()["results"]
    row = next(s for s in listed if s["id"] == search.pk)
    assert "*" in row["national_id"]
    assert search.person.name in client.get("/visits/search/").content.decode()

    # found in the other precinct, living there
    lat, lon = point_in(w.other_beat)
    found_at = timezone.now().isoformat()
    r = client.patch(
        f"/api/v1/search-requests/{search.pk}",
        {
            "action": "found",
            "found_at": found_at,
            "found_where": "中西區盤查時遇見",
            "lat": lat,
            "lon": lon,
            "lives_there": True,
        },
        content_type="application/json",
    )
    assert r.status_code == 200, r.json()
    search.refresh_from_db()
    person.refresh_from_db()
    assert (
        search.status == SearchStatus.FOUND
        and search.found_by == outsider
        and search.found_unit == w.other_beat
    )
    assert not person.whereabouts_unknown
    assert person.unit == w.other_beat and person.registered_unit == w.beat
    assert Notice.objects.filter(unit=w.beat, kind=NoticeKind.FOUND, person=person).exists()
    assert Notice.objects.filter(unit=w.other_beat, kind=NoticeKind.RESIDENCE, person=person).exists()
    assert set(Plan.objects.filter(person=person, status="open").values_list("unit", flat=True)) == {
        w.other_beat.pk
    }

    # the new beat now visits (and sees the person); the registering beat still sees the record
    assert client.get(f"/api/v1/persons/{person.pk}?reason=beat-visit").status_code == 200
    assert person.pk in [i["id"] for i in client.get("/api/v1/visits/due").json()["results"]]
    client.force_login(beat_officer)
    assert client.get(f"/api/v1/persons/{person.pk}?reason=beat-visit").status_code == 200
    assert person.pk not in [i["id"] for i in client.get("/api/v1/visits/due").json()["results"]]
    assert "中西區盤查時遇見" in client.get("/visits/today/").content.decode()

    # a closed search cannot be found again
    with pytest.raises(ValidationError):
        actions.report_found(
            acting_user=outsider, search=search, data={"found_at": found_at, "found_where": "x"}
        )
