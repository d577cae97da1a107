"""Shared helpers for the analytics tests: CSV text and points inside known beats."""

import datetime as dt

from django.utils import timezone

HEADER = "id,occurred_at,lat,lon,category,address,unit,source"


def point_in(beat):
    """(lat, lon) of a point inside the beat's first village (its representative point)."""
    v = beat.villages.order_by("code").first()
    return v.centroid_lat, v.centroid_lon


def when(days_ago=1.0, now=None):
    now = now or timezone.now()
    return (
        (now - dt.timedelta(days=days_ago))
        .astimezone(dt.timezone(dt.timedelta(hours=8)))
        .replace(microsecond=0)
    )


def csv_text(rows, header=HEADER):
    lines = [header]
    for r in rows:
        lines.append(",".join(str(v) for v in r))
    return "\n".join(lines) + "\n"


def row(rid, beat, category="burglary", days_ago=1.0, address="", unit="", source="test", dlat=0.0, dlon=0.0):
    lat, lon = point_in(beat)
    return (
        rid,
        when(days_ago).isoformat(),
        f"{lat + dlat:.6f}",
        f"{lon + dlon:.6f}",
        category,
        address,
        unit,
        source,
    )


def run_worker(capture_on_commit):
    """Run every queued task as ``jingmin worker --batch`` does, in this thread and test transaction.

    ``capture_on_commit`` is pytest-django's ``django_capture_on_commit_callbacks``: tasks enqueued after
    a commit (e.g. the delivery drain) run in the next pass. Returns how many tasks ran.
    """
    from unittest import mock

    from django_tasks_db.management.commands import db_worker

    total = 0
    for _pass in range(10):
        worker = db_worker.Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        )
        with capture_on_commit(execute=True) as callbacks:
            with mock.patch.object(db_worker, "close_old_connections", lambda: None):
                worker.run()
        total += worker._run_tasks
        if not worker._run_tasks and not callbacks:
            break
    return total
