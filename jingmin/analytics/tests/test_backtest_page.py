"""A backtest started from the evaluation page: queued as a task, run, stored and shown; bad parameters are
refused with translated field errors and nothing is written; scope and roles."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone, translation
from django.utils.html import escape

from jingmin.analytics import actions
from jingmin.analytics.models import BacktestRun, Evaluation
from jingmin.audit.models import AuditEvent
from jingmin.org import roles

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
URL = "/analytics/evaluations/"


def params(w, **over):
    data = {
        "unit": w.precinct.code,
        "category": "burglary",
        "start": (timezone.localdate() - dt.timedelta(days=30)).isoformat(),
        "weeks": "2",
        "horizon_days": "7",
        "cell": "250",
        "method": "naive",
    }
    data.update(over)
    return data


@override_settings(TASKS=IMMEDIATE)
def test_backtest_runs_and_its_result_is_shown(client, w, django_capture_on_commit_callbacks):
    client.force_login(w.inside[roles.PRECINCT_OFFICER])
    page = client.get(URL)
    assert page.status_code == 200 and "start-backtest" in page.content.decode()
    before = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, params(w))
    assert response.status_code == 302
    run = BacktestRun.objects.get()
    assert response["Location"].endswith(f"#backtest-{run.pk}")
    assert run.status == BacktestRun.DONE, run.error
    assert run.unit == w.precinct and run.category == "burglary" and run.created_by is not None
    evaluation = run.evaluation
    assert evaluation.unit == w.precinct and set(evaluation.result["methods"]) == {"naive"}
    assert evaluation.params["weeks"] == "2" and evaluation.params["method"] == "naive"
    actions_logged = list(AuditEvent.objects.order_by("id")[before:].values_list("action", flat=True))
    assert actions_logged == ["analytics.start_backtest", "analytics.store_evaluation"]
    html = client.get(URL).content.decode()
    assert f'id="evaluation-{evaluation.pk}"' in html and f'href="#evaluation-{evaluation.pk}"' in html
    assert f'id="chart-lift-{evaluation.pk}"' in html  # the lift chart: hit rate by area covered, per method


@override_settings(TASKS=IMMEDIATE)
def test_a_backtest_without_test_incidents_fails_with_the_reason(
    client, w, django_capture_on_commit_callbacks
):
    client.force_login(w.inside[roles.PRECINCT_OFFICER])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, params(w, start="1995-01-02"))
    run = BacktestRun.objects.get()
    assert run.status == BacktestRun.FAILED and run.error and run.evaluation is None
    assert AuditEvent.objects.last().action == "analytics.backtest_failed"
    assert escape(run.error) in client.get(URL).content.decode()


def test_queued_with_the_database_backend(client, w, django_capture_on_commit_callbacks):
    # the station's own burglaries before and inside the two test weeks: the random demo incidents of
    # one station need not fall into a window that moves with today's date
    from jingmin.analytics.importer import import_incidents
    from jingmin.analytics.tests.helpers import csv_text, row

    days = [45, 40, 36, 33, 27, 24, 21, 19]
    import_incidents(csv_text([row(f"BT-{d}", w.beat, days_ago=d, dlat=d * 1e-5) for d in days]))
    client.force_login(w.inside[roles.STATION_CHIEF])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, params(w, unit=w.station.code))
    assert response.status_code == 302
    run = BacktestRun.objects.get()
    assert run.status == BacktestRun.QUEUED
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(task_path="jingmin.analytics.tasks.run_backtest").exists()
    # the worker's run
    done = actions.complete_backtest(run.pk)
    assert done.status == BacktestRun.DONE, done.error
    assert actions.complete_backtest(run.pk) is None  # only once


@pytest.mark.parametrize(
    "over,field",
    [
        ({"start": (timezone.localdate() + dt.timedelta(days=3)).isoformat()}, "start"),
        ({"start": "not a date"}, "start"),
        ({"weeks": "0"}, "weeks"),
        ({"weeks": "60"}, "weeks"),
        ({"horizon_days": "abc"}, "horizon_days"),
        ({"cell": "10"}, "cell"),
        ({"category": "unicorns"}, "category"),
        ({"method": "crystal_ball"}, "method"),
        ({"unit": "TNPD-P01"}, "unit"),  # outside the user's jurisdiction
        ({"unit": ""}, "unit"),
    ],
)
def test_bad_parameters_are_refused_and_nothing_is_written(client, w, over, field):
    client.force_login(w.inside[roles.PRECINCT_OFFICER])
    before = (BacktestRun.objects.count(), Evaluation.objects.count(), AuditEvent.objects.count())
    response = client.post(URL, params(w, **over))
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert (BacktestRun.objects.count(), Evaluation.objects.count(), AuditEvent.objects.count()) == before


def test_action_errors_are_translated(w):
    user = w.inside[roles.PRECINCT_OFFICER]
    with translation.override("zh-hant"):
        with pytest.raises(Exception) as info:
            actions.start_backtest(
                acting_user=user,
                unit=w.outside[roles.PRECINCT_OFFICER],
                **{"category": "burglary", "start": "2099-01-01", "weeks": 2, "method": "naive"},
            )
    errors = info.value.message_dict
    assert set(errors) == {"unit", "start"}
    assert (
        errors["start"][0]
        != "The last test window would end after today: choose an earlier start or fewer weeks."
    )


def test_at_most_three_waiting_backtests(client, w):
    client.force_login(w.inside[roles.PRECINCT_OFFICER])
    for _ in range(3):
        assert client.post(URL, params(w)).status_code == 302
    response = client.post(URL, params(w))
    assert response.status_code == 422 and response.context["form"].non_field_errors()
    assert BacktestRun.objects.count() == 3


def test_who_may_start_a_backtest(client, w):
    for role in (roles.BEAT_OFFICER, roles.INVESTIGATOR, roles.SOCIAL_LIAISON, roles.COMMUNITY_PARTNER):
        client.force_login(w.inside[role])
        assert client.post(URL, params(w)).status_code == 403
    client.force_login(w.inside[roles.BUREAU_ANALYST])
    assert "start-backtest" in client.get(URL).content.decode()
    assert BacktestRun.objects.count() == 0


def test_runs_are_scoped(client, w):
    client.force_login(w.inside[roles.PRECINCT_OFFICER])
    client.post(URL, params(w))
    client.force_login(w.outside[roles.PRECINCT_OFFICER])
    assert "backtest-runs" not in client.get(URL).content.decode()
