from django.core.management.base import BaseCommand

from jingmin.org.schedule import due, jobs, tick


class Command(BaseCommand):
    help = "Periodic jobs: `schedule list` shows them; `schedule run` enqueues the due ones (for cron)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["list", "run"])

    def handle(self, *args, action, **options):
        from jingmin.org.models import ScheduledRun

        if action == "run":
            names = tick()
            self.stdout.write("enqueued: " + (", ".join(names) if names else "nothing due"))
            return
        for job in jobs():
            last = ScheduledRun.objects.filter(job=job.name).first()
            slot = due(job)
            self.stdout.write(
                f"{job.name:<20} {job.at:%H:%M}  {job.task}  last run: {last.slot if last else '-'}"
                f"{'  (due now)' if slot and (not last or last.slot < slot) else ''}"
            )
