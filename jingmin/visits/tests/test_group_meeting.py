"""Group meetings (座談會) need written notice given at least 3 days before (DOMAIN.md), a figure kept as
editable configuration: the notice date is required for a group meeting, checked against the meeting day,
refused with a translated field error and nothing written; other methods are unaffected."""

import datetime as dt

import pytest
from django.utils import timezone

from jingmin.audit.models import AuditEvent
from jingmin.people.testing import make_person
from jingmin.visits.models import Config, Method, Visit


def meeting_time():
    """Yesterday 10:00 (daytime, in the past)."""
    day = timezone.localdate() - dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def notice_day(days_before):
    return (timezone.localtime(meeting_time()).date() - dt.timedelta(days=days_before)).isoformat()


@pytest.fixture
def person(w):
    return make_person(w.inside["beat_officer"], w.beat)


def counts():
    return Visit.objects.count(), AuditEvent.objects.count()


def api(client, person, method="group", lang="en", **extra):
    data = {"person": person.pk, "visited_at": meeting_time().isoformat(), "method": method, **extra}
    return client.post("/api/v1/visits", data, content_type="application/json", HTTP_ACCEPT_LANGUAGE=lang)


def errors(response):
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_seeded_with_3_days(db):
    assert Config.get().group_notice_days == 3


@pytest.mark.parametrize("days_before,ok", [(3, True), (10, True), (2, False), (1, False), (0, False)])
def test_boundaries(client, w, person, days_before, ok):
    client.force_login(w.inside["beat_officer"])
    before = counts()
    r = api(client, person, notice_given_on=notice_day(days_before))
    if ok:
        assert r.status_code == 201, r.json()
        assert r.json()["notice_given_on"] == notice_day(days_before) and r.json()["method"] == "group"
        assert counts() == (before[0] + 1, before[1] + 1)
        event = AuditEvent.objects.last()
        assert event.action == "visits.log" and event.extra["notice_given_on"] == notice_day(days_before)
    else:
        assert r.status_code == 422
        assert errors(r)["notice_given_on"].startswith(
            "The written notice of a group meeting must be given at least 3 days before it"
        )
        assert counts() == before


def test_missing_notice_refused(client, w, person):
    client.force_login(w.inside["beat_officer"])
    before = counts()
    for value in (None, ""):
        r = api(client, person, notice_given_on=value)
        assert r.status_code == 422
        assert errors(r)["notice_given_on"] == "A group meeting needs the date the written notice was given."
    r = api(client, person)  # field left out
    assert errors(r)["notice_given_on"] == "A group meeting needs the date the written notice was given."
    r = api(client, person, lang="zh-hant")
    assert errors(r)["notice_given_on"] == "座談會須填寫書面通知日期。"
    assert counts() == before


def test_notice_after_the_meeting_refused(client, w, person):
    client.force_login(w.inside["beat_officer"])
    before = counts()
    r = api(client, person, notice_given_on=notice_day(-1))
    assert r.status_code == 422
    assert errors(r)["notice_given_on"] == "The written notice cannot be given after the meeting."
    assert counts() == before


@pytest.mark.parametrize("value", ["abc", "2026-13-45", "9" * 40, "2026-01-01T10:00", 12])
def test_bad_dates_refused(client, w, person, value):
    client.force_login(w.inside["beat_officer"])
    before = counts()
    r = api(client, person, notice_given_on=value)
    assert r.status_code == 422 and errors(r)["notice_given_on"] == "Enter a valid date."
    assert counts() == before


@pytest.mark.parametrize("method", [m for m in Method.values if m != Method.GROUP])
def test_other_methods_unaffected(client, w, person, method):
    client.force_login(w.inside["beat_officer"])
    r = api(client, person, method=method)
    assert r.status_code == 201, r.json()
    assert r.json()["notice_given_on"] is None
    # a date sent with another method is ignored, even a wrong one
    r = api(client, person, method=method, notice_given_on=notice_day(0))
    assert r.status_code == 201 and r.json()["notice_given_on"] is None


def test_the_number_of_days_is_configuration(client, w, person):
    client.force_login(w.inside["beat_officer"])
    config = Config.get()
    config.group_notice_days = 7
    config.save()
    r = api(client, person, notice_given_on=notice_day(5))
    assert r.status_code == 422 and "at least 7 days" in errors(r)["notice_given_on"]
    assert api(client, person, notice_given_on=notice_day(7)).status_code == 201
    config.group_notice_days = 0
    config.save()
    assert api(client, person, notice_given_on=notice_day(0)).status_code == 201
    r = api(client, person, notice_given_on=notice_day(-1))
    assert r.status_code == 422 and errors(r)["notice_given_on"].startswith("The written notice cannot")
    config.group_notice_days = 1
    config.save()
    r = api(client, person, notice_given_on=notice_day(0))
    assert errors(r)["notice_given_on"].startswith(
        "The written notice of a group meeting must be given at least 1 day "
    )


def page_data(person, method="group", **extra):
    when = timezone.localtime(meeting_time()).strftime("%Y-%m-%dT%H:%M")
    return {"person": person.pk, "visited_at": when, "method": method, **extra}


def test_page_field_hidden_unless_group_and_script_loaded(client, w, person):
    client.force_login(w.inside["beat_officer"])
    html = client.get(f"/visits/log/?person={person.pk}").content.decode()
    assert 'name="notice_given_on"' in html and 'type="date"' in html
    assert '<div id="group-notice" data-method="group" hidden>' in html
    assert "visits/log.js" in html and "<script>" not in html
    assert "座談會應於 3 日前以書面通知" in html


def test_page_refuses_short_notice_in_chinese(client, w, person):
    client.force_login(w.inside["beat_officer"])
    before = counts()
    r = client.post("/visits/log/", page_data(person, notice_given_on=notice_day(2)))
    assert r.status_code == 200
    message = r.context["form"].errors["notice_given_on"][0]
    assert message.startswith("座談會之書面通知應至少於 3 日前送達") and "民國" in message
    html = r.content.decode()
    assert '<div id="group-notice" data-method="group">' in html  # shown with its error
    r = client.post("/visits/log/", page_data(person))
    assert r.context["form"].errors["notice_given_on"] == ["座談會須填寫書面通知日期。"]
    r = client.post("/visits/log/", page_data(person, notice_given_on="2026-13-45"))
    assert r.status_code == 200 and r.context["form"].errors["notice_given_on"]
    assert counts() == before


def test_page_saves_a_group_meeting_and_ignores_the_field_otherwise(client, w, person):
    client.force_login(w.inside["beat_officer"])
    r = client.post("/visits/log/", page_data(person, notice_given_on=notice_day(3)))
    assert r.status_code == 302
    visit = Visit.objects.filter(person=person).get()
    assert visit.method == Method.GROUP and visit.notice_given_on.isoformat() == notice_day(3)
    # another method: a stale or garbage value in the hidden field does not block the visit
    r = client.post("/visits/log/", page_data(person, method="onsite", notice_given_on="garbage"))
    assert r.status_code == 302
    assert Visit.objects.filter(person=person, method=Method.ONSITE, notice_given_on__isnull=True).exists()
