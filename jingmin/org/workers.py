"""Task workers say they are alive; tasks of a worker that died are reaped.

Every ``jingmin worker`` process runs a :class:`Heartbeat` thread that writes its
:class:`~jingmin.org.models.WorkerHeartbeat` row every ``WORKER_HEARTBEAT_SECONDS`` (10 s). Pages that
show queued background work ask :func:`alive` and say plainly when no worker has been seen for
``WORKER_ALIVE_SECONDS`` (30 s) — the work waits for a worker that is not running.

A worker killed with SIGKILL leaves the task it was running marked ``RUNNING`` for ever
(django-tasks-db has no lease on its rows). :func:`reap_lost_tasks` — run at every worker start and
on every heartbeat — marks such rows ``FAILED`` (django-tasks-db's only terminal state for a task that
did not succeed; it has no retry) when the worker that claimed them has not been seen for
``WORKER_LOST_SECONDS`` (60 s), and sends django-tasks' ``task_finished`` signal for each, so the app that
owns the task can put its work back in the queue (messaging re-schedules its drain).
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

logger = logging.getLogger("jingmin.workers")

LOST = "jingmin.org.workers.WorkerLost"


class WorkerLost(Exception):
    """Recorded on a task whose worker stopped while running it."""


def heartbeat_seconds():
    return float(settings.WORKER_HEARTBEAT_SECONDS)


def alive_seconds():
    return float(settings.WORKER_ALIVE_SECONDS)


def lost_seconds():
    return float(settings.WORKER_LOST_SECONDS)


def beat(worker_id, started_at=None, now=None):
    """Record that ``worker_id`` (this process) is alive."""
    from jingmin.org.models import WorkerHeartbeat

    now = now or timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"seen_at": now, "hostname": socket.gethostname()[:255], "pid": os.getpid()},
        create_defaults={
            "seen_at": now,
            "started_at": started_at or now,
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
        },
    )


def forget(worker_id):
    """A worker that stops cleanly removes its row."""
    from jingmin.org.models import WorkerHeartbeat

    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def alive(now=None):
    """Has any task worker been seen within ``WORKER_ALIVE_SECONDS``?"""
    from jingmin.org.models import WorkerHeartbeat

    now = now or timezone.now()
    return WorkerHeartbeat.objects.filter(seen_at__gte=now - timedelta(seconds=alive_seconds())).exists()


def waiting_for_worker(pending):
    """Is ``pending`` background work waiting with no worker seen recently? (The pages' note.)"""
    return bool(pending) and not alive()


def reap_lost_tasks(now=None):
    """Mark ``RUNNING`` tasks of workers not seen for ``WORKER_LOST_SECONDS`` as failed; returns their ids."""
    from django_tasks_db.compat import task_finished
    from django_tasks_db.models import DBTaskResult

    from jingmin.org.models import WorkerHeartbeat

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=lost_seconds())
    living = set(WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True))
    reaped = []
    for row in DBTaskResult.objects.running().filter(started_at__lt=cutoff):
        worker = row.worker_ids[-1] if row.worker_ids else ""
        if worker in living:
            continue
        updated = DBTaskResult.objects.filter(pk=row.pk, status="RUNNING", started_at=row.started_at).update(
            status="FAILED",
            finished_at=now,
            exception_class_path=LOST,
            traceback=(
                f"{LOST}: worker {worker or '?'} stopped while running this task "
                f"(not seen since before {cutoff.isoformat()}); reaped at {now.isoformat()}\n"
            ),
            return_value=None,
        )
        if not updated:
            continue
        reaped.append(row.pk)
        logger.warning("task %s (%s) of lost worker %s marked failed", row.pk, row.task_path, worker or "?")
        row.refresh_from_db()
        try:
            task_finished.send(sender=type(row.task.get_backend()), task_result=row.task_result)
        except Exception:  # a task that cannot be imported any more: the row is failed all the same
            logger.exception("task_finished for reaped task %s", row.pk)
    WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()
    return reaped


class Heartbeat(threading.Thread):
    """Writes the worker's heartbeat every ``interval`` seconds and reaps lost tasks (one per worker)."""

    def __init__(self, worker_id, interval=None):
        super().__init__(name="jingmin-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.interval = heartbeat_seconds() if interval is None else interval
        self.started_at = timezone.now()
        self.stopped = threading.Event()

    def once(self):
        beat(self.worker_id, started_at=self.started_at)
        reap_lost_tasks()

    def run(self):
        while not self.stopped.wait(self.interval):
            try:
                close_old_connections()
                self.once()
            except Exception:  # the next beat tries again; the worker must not die of it
                logger.exception("worker heartbeat failed")
            finally:
                close_old_connections()

    def stop(self):
        self.stopped.set()
