"""``jingmin worker``: django-tasks-db's ``db_worker`` with a heartbeat, the reaper and the schedule.

A worker killed with SIGKILL leaves its task marked running and its dispatches leased. Every worker
writes a heartbeat (``jingmin.org.workers``) and reaps the running tasks of workers not seen for a
minute, at start and on every beat; the leases run out within 20 s; and this start-up step makes
sure a drain task will pick the dispatches up.
"""

import logging

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

logger = logging.getLogger("jingmin.messaging")


class Command(DbWorkerCommand):
    help = "Run the background task worker (re-schedules unfinished message deliveries first)"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="do not enqueue the periodic jobs (jingmin.org.schedule)",
        )

    def handle(self, *args, **options):
        from jingmin.messaging import delivery
        from jingmin.org import workers

        heartbeat = workers.Heartbeat(options["worker_id"])
        heartbeat.once()
        heartbeat.start()
        wake = delivery.next_wakeup()
        if wake is not None:
            delivery.schedule_drain(wake)
            logger.info("messaging: unfinished deliveries found, drain scheduled for %s", wake.isoformat())
        ticker = None
        if not options.get("no_schedule"):
            from django.conf import settings

            from jingmin.org.schedule import Ticker

            ticker = Ticker(settings.SCHEDULE_TICK_SECONDS)
            ticker.start()
        try:
            return super().handle(*args, **options)
        finally:
            heartbeat.stop()
            if ticker is not None:
                ticker.stop()
            try:
                workers.forget(options["worker_id"])
            except Exception:  # the database went away: the row ages out and the reaper ignores it
                logger.exception("could not remove the heartbeat of worker %s", options["worker_id"])
