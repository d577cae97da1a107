"""Daytime rule: a visit outside daytime is refused unless it was arranged with the person."""

import datetime as dt

import pytest
from django.utils import timezone

from jingmin.people.testing import make_person
from jingmin.visits.models import Config, Visit


def at(hour, minute=0):
    day = timezone.localdate() - dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.mark.parametrize(
    "hour,minute,ok",
    [
        (6, 59, False),
        (7, 0, True),
        (12, 0, True),
        (18, 59, True),
        (19, 0, False),
        (23, 30, False),
        (2, 0, False),
    ],
)
def test_daytime_boundaries(client, w, hour, minute, ok):
    officer = w.inside["beat_officer"]
    person = make_person(officer, w.beat)
    client.force_login(officer)
    before = Visit.objects.count()
    r = client.post(
        "/api/v1/visits",
        {"person": person.pk, "visited_at": at(hour, minute).isoformat()},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    if ok:
        assert r.status_code == 201, r.json()
        assert Visit.objects.count() == before + 1
    else:
        assert r.status_code == 422
        assert "daytime" in r.json()["errors"][0]["message"]
        assert r.json()["errors"][0]["field"] == "visited_at"
        assert Visit.objects.count() == before


def test_arranged_or_remote_visit_at_night_is_accepted(client, w):
    officer = w.inside["beat_officer"]
    person = make_person(officer, w.beat)
    client.force_login(officer)
    night = at(21).isoformat()
    r = client.post(
        "/api/v1/visits",
        {"person": person.pk, "visited_at": night, "arranged": True},
        content_type="application/json",
    )
    assert r.status_code == 201
    r = client.post(
        "/api/v1/visits",
        {"person": person.pk, "visited_at": night, "method": "phone"},
        content_type="application/json",
    )
    assert r.status_code == 201


def test_daytime_hours_are_configuration(client, w):
    Config.objects.filter(pk=1).update(day_start=dt.time(20, 0), day_end=dt.time(23, 0))
    officer = w.inside["beat_officer"]
    person = make_person(officer, w.beat)
    client.force_login(officer)
    r = client.post(
        "/api/v1/visits",
        {"person": person.pk, "visited_at": at(21).isoformat()},
        content_type="application/json",
    )
    assert r.status_code == 201


def test_page_shows_the_reason_in_chinese(client, w):
    officer = w.inside["beat_officer"]
    person = make_person(officer, w.beat)
    client.force_login(officer)
    r = client.post(
        "/visits/log/",
        {"person": person.pk, "visited_at": at(23).strftime("%Y-%m-%dT%H:%M"), "method": "onsite"},
    )
    assert r.status_code == 200
    assert "查訪應於日間" in r.context["form"].errors["visited_at"][0]
    assert not Visit.objects.filter(person=person).exists()
