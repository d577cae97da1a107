"""Periodic jobs: the nightly visit plans, retention purges (people; messaging tips and webhook
events), analytics refresh and the LINE quota refresh.

The Django tasks API has no clock, so ``jingmin worker`` runs :func:`tick` once a minute in a
background thread (and ``jingmin schedule run`` does the same for cron). A job is enqueued once per
slot (its day, in Asia/Taipei) however many workers tick: the ``ScheduledRun`` row for (job, slot)
is unique, and only the worker that inserts it enqueues the task.
"""

import datetime as dt
import logging
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("jingmin.schedule")


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # dotted path of a django_tasks Task
    at: dt.time  # local time (settings.TIME_ZONE) after which the day's run is due


def jobs():
    """The configured jobs: ``settings.SCHEDULE`` maps a job name to (task path, "HH:MM")."""
    result = []
    for name, (task, at) in settings.SCHEDULE.items():
        hour, minute = (int(x) for x in at.split(":"))
        result.append(Job(name, task, dt.time(hour, minute)))
    return result


def due(job, now=None):
    """The slot (local date) that is due for ``job`` at ``now``, or None before today's time."""
    local = timezone.localtime(now or timezone.now())
    return local.date() if local.time() >= job.at else None


def tick(now=None):
    """Enqueue every job whose slot is due and not yet enqueued; returns the names enqueued."""
    from jingmin.org.models import ScheduledRun

    enqueued = []
    for job in jobs():
        slot = due(job, now)
        if slot is None or ScheduledRun.objects.filter(job=job.name, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, slot=slot)
                result = import_string(job.task).enqueue()
                run.task_id = str(result.id)
                run.save(update_fields=["task_id"])
        except IntegrityError:  # another worker took this slot
            continue
        logger.info("schedule: %s enqueued for %s", job.name, slot)
        enqueued.append(job.name)
    return enqueued


class Ticker(threading.Thread):
    """Calls :func:`tick` every ``interval`` seconds until stopped (one per worker process)."""

    def __init__(self, interval=60.0):
        super().__init__(name="jingmin-schedule", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            try:
                close_old_connections()
                tick()
            except Exception:  # the next minute tries again; the worker must not die of it
                logger.exception("schedule tick failed")
            finally:
                close_old_connections()
            self.stopped.wait(self.interval)

    def stop(self):
        self.stopped.set()
