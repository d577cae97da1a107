"""A queued backtest with no task worker running says so on the page (and not while a worker is
alive); a backtest whose worker died is reaped and marked failed instead of running for ever."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks_db.models import DBTaskResult

from jingmin.analytics import actions
from jingmin.analytics.models import BacktestRun
from jingmin.analytics.tasks import run_backtest
from jingmin.audit.models import AuditEvent
from jingmin.org import roles, workers

from .test_backtest_page import URL, params

NOTE = 'id="worker-missing"'


def test_a_queued_backtest_without_a_worker_says_how_to_start_one(client, w):
    client.force_login(w.inside[roles.PRECINCT_OFFICER])
    assert client.post(URL, params(w)).status_code == 302
    html = client.get(URL).content.decode()
    assert NOTE in html and "jingmin worker" in html
    with translation.override("zh-hant"):
        zh = client.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert NOTE in zh and "背景工作程式" in zh


def test_no_note_while_a_worker_is_alive(client, w):
    client.force_login(w.inside[roles.PRECINCT_OFFICER])
    assert client.post(URL, params(w)).status_code == 302
    workers.beat("worker-1")
    assert NOTE not in client.get(URL).content.decode()


def test_no_note_without_waiting_work(client, w):
    client.force_login(w.inside[roles.PRECINCT_OFFICER])
    assert client.post(URL, params(w)).status_code == 302
    BacktestRun.objects.update(status=BacktestRun.DONE)
    assert NOTE not in client.get(URL).content.decode()


def test_a_backtest_of_a_lost_worker_is_marked_failed(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = actions.start_backtest(
            acting_user=w.inside[roles.PRECINCT_OFFICER],
            unit=w.precinct,
            category="burglary",
            start=timezone.localdate() - timedelta(days=30),
            weeks=2,
            horizon_days=7,
            cell=250,
            method="naive",
        )
    row = DBTaskResult.objects.get(task_path=run_backtest.module_path)
    row.claim("killed-worker")  # the worker took it, marked the run running, and was SIGKILLed
    BacktestRun.objects.filter(pk=run.pk).update(status=BacktestRun.RUNNING)
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - timedelta(minutes=5))
    assert workers.reap_lost_tasks() == [row.pk]
    run.refresh_from_db()
    assert run.status == BacktestRun.FAILED
    with translation.override(settings.LANGUAGE_CODE):
        assert run.error == gettext("The task worker stopped while running this backtest: start it again.")
    assert run.finished_at is not None
    assert AuditEvent.objects.filter(action="analytics.backtest_failed", object_id=str(run.pk)).count() == 1


def test_a_finished_backtest_is_not_changed_by_a_late_failure(w):
    run = BacktestRun.objects.create(
        unit=w.precinct, category="burglary", params={}, status=BacktestRun.DONE, created_by=None
    )
    assert actions.fail_backtest(run.pk, "lost") is None
    run.refresh_from_db()
    assert run.status == BacktestRun.DONE and run.error == ""
