"""Worker heartbeats and the reaper: tasks left running by a worker that died are marked failed,
tasks of a live worker are left alone; ``alive`` answers whether a worker was seen recently."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.compat import task_finished
from django_tasks_db.models import DBTaskResult

from jingmin.audit.tasks import write_checkpoint
from jingmin.org import workers
from jingmin.org.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def running(worker_id, started_ago):
    row = DBTaskResult.objects.get(id=uuid.UUID(str(write_checkpoint.enqueue().id)))
    row.claim(worker_id)
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - timedelta(seconds=started_ago))
    return row


def status(row):
    row.refresh_from_db()
    return row.status


def test_a_task_of_a_worker_not_seen_for_a_minute_is_marked_failed():
    now = timezone.now()
    workers.beat("dead", now=now - timedelta(seconds=90))
    lost = running("dead", started_ago=120)
    assert workers.reap_lost_tasks() == [lost.pk]
    lost.refresh_from_db()
    assert lost.status == "FAILED"
    assert lost.exception_class_path == workers.LOST
    assert "dead" in lost.traceback and lost.finished_at is not None
    assert lost.task_result.errors[0].exception_class_path == workers.LOST
    assert workers.reap_lost_tasks() == []  # once


def test_a_task_of_a_worker_without_any_heartbeat_is_reaped():
    lost = running("never-beat", started_ago=120)
    assert workers.reap_lost_tasks() == [lost.pk]


def test_tasks_of_a_live_worker_and_just_started_tasks_are_left_alone():
    workers.beat("alive")
    long_task = running("alive", started_ago=3600)
    just_claimed = running("gone", started_ago=5)  # its worker may not have beaten yet
    assert workers.reap_lost_tasks() == []
    assert status(long_task) == "RUNNING" and status(just_claimed) == "RUNNING"


def test_finished_and_ready_tasks_are_never_touched():
    ready = DBTaskResult.objects.get(id=uuid.UUID(str(write_checkpoint.enqueue().id)))
    assert workers.reap_lost_tasks() == []
    assert status(ready) == "READY"


def test_reaping_tells_the_owner_of_the_task():
    heard = []

    def listener(sender, task_result, **kwargs):
        heard.append((task_result.id, task_result.status.name))

    task_finished.connect(listener)
    try:
        lost = running("dead", started_ago=120)
        workers.reap_lost_tasks()
    finally:
        task_finished.disconnect(listener)
    assert heard == [(str(lost.pk), "FAILED")]


def test_alive_needs_a_heartbeat_within_the_alive_window(settings):
    assert workers.alive() is False
    workers.beat("w1", now=timezone.now() - timedelta(seconds=settings.WORKER_ALIVE_SECONDS + 5))
    assert workers.alive() is False
    workers.beat("w1")
    assert workers.alive() is True
    workers.forget("w1")
    assert workers.alive() is False


def test_a_heartbeat_updates_one_row_per_worker_and_old_rows_are_dropped():
    workers.beat("w1")
    workers.beat("w1")
    assert WorkerHeartbeat.objects.filter(worker_id="w1").count() == 1
    workers.beat("ancient", now=timezone.now() - timedelta(days=2))
    workers.reap_lost_tasks()
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["w1"]


def test_the_heartbeat_thread_beats_and_reaps_once_per_call():
    lost = running("dead", started_ago=120)
    beat = workers.Heartbeat("me", interval=60)
    beat.once()
    assert WorkerHeartbeat.objects.get(worker_id="me").seen_at > timezone.now() - timedelta(seconds=5)
    assert status(lost) == "FAILED"
