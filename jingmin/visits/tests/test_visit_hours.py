"""Visit hours of each beat officer this month against the monthly figure (≥ 16 h, editable configuration)
on the chief's day page and the API; from the visit records (minutes logged, or the configured minutes
per visit); scoped; bad minutes refused with nothing written."""

import datetime as dt

import pytest
from django.utils import timezone

from jingmin.audit.models import AuditEvent
from jingmin.org import roles
from jingmin.people.testing import make_person
from jingmin.visits import actions
from jingmin.visits.models import Config, Visit


def just_now():
    return timezone.now() - dt.timedelta(minutes=1)


def row(client, username):
    data = client.get("/api/v1/visits/hours").json()
    return data, next((r for r in data["results"] if r["officer"] == username), None)


def test_seeded_with_16_hours(db):
    assert Config.get().monthly_visit_hours == 16


def test_hours_from_the_visit_records(client, w):
    officer = w.inside["beat_officer"]
    person = make_person(officer, w.beat)
    client.force_login(w.inside["station_chief"])
    data, before = row(client, "demo-beat")
    assert data["target_hours"] == 16 and before is not None
    for minutes in (480, 480, None):
        actions.log_visit(
            acting_user=officer,
            data={"person": person.pk, "visited_at": just_now(), "method": "phone", "minutes": minutes},
        )
    _, after = row(client, "demo-beat")
    assert after["visits"] == before["visits"] + 3
    assert after["minutes"] == before["minutes"] + 960 + Config.get().stop_minutes
    assert after["below_target"] is (after["minutes"] < 16 * 60)
    # a visit last month does not count
    last_month = timezone.localtime().replace(day=1, hour=10) - dt.timedelta(days=3)
    actions.log_visit(
        acting_user=officer,
        data={"person": person.pk, "visited_at": last_month, "method": "phone", "minutes": 60},
    )
    assert row(client, "demo-beat")[1]["minutes"] == after["minutes"]


def test_target_is_editable_and_shown_on_the_chiefs_day_page(client, w):
    client.force_login(w.inside["station_chief"])
    html = client.get("/visits/today/").content.decode()
    assert 'id="visit-hours"' in html and "16" in html and "警勤區員警甲" in html
    chart = client.get("/visits/today/").context["hours_chart"]  # hours per officer against the 16 h line
    assert chart.target[0] == 16 and "警勤區員警甲" in chart.labels and 'id="chart-visit-hours"' in html
    config = Config.get()
    config.monthly_visit_hours = 1000
    config.save()
    data, beat_row = row(client, "demo-beat")
    assert data["target_hours"] == 1000 and beat_row["below_target"] is True
    assert "1000" in client.get("/visits/today/").content.decode()
    config.monthly_visit_hours = 0
    config.save()
    assert row(client, "demo-beat")[1]["below_target"] is False


@pytest.mark.parametrize("inside", [True, False], ids=["inside", "outside"])
@pytest.mark.parametrize("role", roles.ROLES)
def test_scope(client, w, role, inside):
    user = (w.inside if inside else w.outside)[role]
    client.force_login(user)
    r = client.get("/api/v1/visits/hours")
    page = client.get("/visits/today/")
    if not roles.can(user, "visits.view_hours"):
        assert r.status_code == 403
        if page.status_code == 200:
            assert 'id="visit-hours"' not in page.content.decode()
        return
    officers = {x["officer"] for x in r.json()["results"]}
    assert ("demo-beat" in officers) is inside
    # the demo administrator works at the bureau (the whole city)
    assert ("out-beat_officer" in officers) is (not inside or user.is_superuser)
    assert "demo-investigator" not in officers  # beat officers only


def test_nounit_sees_nothing(client, w):
    client.force_login(w.nounit)  # a beat officer without a unit
    assert client.get("/api/v1/visits/hours").status_code == 403


@pytest.mark.parametrize("value", ["0", "481", "abc", "-5", "1.5", "9" * 40])
def test_bad_minutes(client, w, value):
    officer = w.inside["beat_officer"]
    person = make_person(officer, w.beat)
    client.force_login(officer)
    before = (Visit.objects.count(), AuditEvent.objects.count())
    when = timezone.localtime(just_now()).strftime("%Y-%m-%dT%H:%M")
    r = client.post(
        "/visits/log/", {"person": person.pk, "visited_at": when, "method": "phone", "minutes": value}
    )
    assert r.status_code == 200 and r.context["form"].errors["minutes"]
    r = client.post(
        "/api/v1/visits",
        {"person": person.pk, "visited_at": just_now().isoformat(), "method": "phone", "minutes": value},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert r.status_code == 422
    assert {e["field"]: e["message"] for e in r.json()["errors"]}["minutes"] == (
        "Give the minutes spent, from 1 to 480."
    )
    assert (Visit.objects.count(), AuditEvent.objects.count()) == before
