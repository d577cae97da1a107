"""POST /api/v1/analytics/backtests queues a backtest as the evaluation page does (same validation, field
errors, scope); GET lists and shows backtests with their results, scoped as the page (404 out of scope)."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from jingmin.analytics import actions
from jingmin.analytics.models import BacktestRun
from jingmin.audit.models import AuditEvent
from jingmin.org import roles

URL = "/api/v1/analytics/backtests"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def body(w, **over):
    data = {
        "unit": w.precinct.code,
        "category": "burglary",
        "start": (timezone.localdate() - dt.timedelta(days=30)).isoformat(),
        "weeks": 2,
        "horizon_days": 7,
        "cell": 250,
        "method": "naive",
    }
    data.update(over)
    return data


def post(client, data):
    return client.post(URL, data=data, content_type="application/json")


def test_queued_then_listed_with_its_result(w, client, django_capture_on_commit_callbacks):
    client.force_login(w.inside[roles.PRECINCT_OFFICER])
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, body(w))
    assert response.status_code == 201, response.content
    out = response.json()
    run = BacktestRun.objects.get()
    assert out["id"] == run.pk and out["status"] == "queued" and out["unit"] == w.precinct.code
    assert out["params"]["weeks"] == 2 and out["params"]["method"] == "naive" and out["evaluation"] is None
    assert AuditEvent.objects.filter(action="analytics.start_backtest", object_id=str(run.pk)).count() == 1
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(task_path="jingmin.analytics.tasks.run_backtest").count() == 1
    actions.complete_backtest(run.pk)  # the worker's run
    detail = client.get(f"{URL}/{run.pk}").json()
    assert detail["status"] == "done" and detail["finished_at"]
    assert set(detail["evaluation"]["result"]["methods"]) == {"naive"}
    listing = client.get(URL).json()
    assert [r["id"] for r in listing] == [run.pk]
    assert client.get(URL, {"status": "done"}).json()[0]["id"] == run.pk
    assert client.get(URL, {"status": "failed"}).json() == []
    assert client.get(URL, {"unit": w.station.code}).json() == []


@override_settings(TASKS=IMMEDIATE)
def test_a_failed_backtest_shows_the_reason(w, client, django_capture_on_commit_callbacks):
    client.force_login(w.inside[roles.STATION_CHIEF])
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, body(w, unit=w.station.code, start="1995-01-02"))
    assert response.status_code == 201
    detail = client.get(f"{URL}/{response.json()['id']}").json()
    assert detail["status"] == "failed" and detail["error"] and detail["evaluation"] is None


@pytest.mark.parametrize(
    "over,field",
    [
        ({"start": (timezone.localdate() + dt.timedelta(days=3)).isoformat()}, "start"),
        ({"start": "not a date"}, "start"),
        ({"start": None}, "start"),
        ({"weeks": 0}, "weeks"),
        ({"weeks": 60}, "weeks"),
        ({"weeks": "many"}, "weeks"),
        ({"horizon_days": "abc"}, "horizon_days"),
        ({"horizon_days": 29}, "horizon_days"),
        ({"cell": 10}, "cell"),
        ({"category": "unicorns"}, "category"),
        ({"method": "crystal_ball"}, "method"),
        ({"unit": "TNPD-P01"}, "unit"),  # outside the caller's jurisdiction
        ({"unit": "NOPE"}, "unit"),
        ({"unit": ""}, "unit"),
        ({"unit": "TNPD-P05-S01-B01"}, "unit"),  # a beat: not offered by the page either
    ],
)
def test_bad_input_gives_field_errors_and_writes_nothing(w, client, over, field):
    client.force_login(w.inside[roles.PRECINCT_OFFICER])
    before = (BacktestRun.objects.count(), AuditEvent.objects.count())
    response = post(client, body(w, **over))
    assert response.status_code == 422, response.content
    assert field in {e["field"] for e in response.json()["errors"]}
    assert (BacktestRun.objects.count(), AuditEvent.objects.count()) == before


def test_not_json_and_too_many_waiting(w, client):
    client.force_login(w.inside[roles.PRECINCT_OFFICER])
    assert client.post(URL, data="weeks=2", content_type="application/json").status_code in (400, 422)
    for _ in range(actions.MAX_PENDING_BACKTESTS):
        assert post(client, body(w)).status_code == 201
    response = post(client, body(w))
    assert response.status_code == 422
    assert BacktestRun.objects.count() == actions.MAX_PENDING_BACKTESTS


@pytest.mark.parametrize("role", roles.ROLES)
def test_roles_inside_and_outside(w, client, role):
    runner = w.inside[roles.ADMINISTRATOR]
    run = actions.start_backtest(acting_user=runner, **body(w, unit=w.station.code))
    for user, inside in ((w.inside[role], True), (w.outside[role], False)):
        client.force_login(user)
        created = post(client, body(w, unit=w.station.code))
        listing, detail = client.get(URL), client.get(f"{URL}/{run.pk}")
        may_view = role in roles.CAPABILITIES["analytics.view"] or user.is_superuser
        may_run = role in roles.CAPABILITIES["analytics.run_backtest"] or user.is_superuser
        if not may_run:
            assert created.status_code == 403, role
        else:
            # outside: the station is not in the caller's jurisdiction → a field error, nothing queued
            assert created.status_code == (201 if inside else 422), (role, inside, created.content)
        if not may_view:
            assert listing.status_code == 403 and detail.status_code == 403
            continue
        assert (run.pk in {r["id"] for r in listing.json()}) == inside, (role, inside)
        assert detail.status_code == (200 if inside else 404), (role, inside)
    client.force_login(w.nounit)
    assert client.get(f"{URL}/{run.pk}").status_code == 403
    assert client.get(f"{URL}/999999").status_code == 403
