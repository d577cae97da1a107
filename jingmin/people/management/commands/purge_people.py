from django.core.management.base import BaseCommand

from jingmin.people import retention


class Command(BaseCommand):
    help = "Retention: anonymise security-concern persons whose visit window has closed."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count")
        parser.add_argument("--enqueue", action="store_true", help="enqueue the background task instead")

    def handle(self, *args, dry_run=False, enqueue=False, **options):
        if enqueue:
            from jingmin.people.tasks import purge_expired_persons

            result = purge_expired_persons.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        if dry_run:
            self.stdout.write(f"{retention.purge(dry_run=True)} person(s) would be anonymised")
            return
        queued = retention.queue_closed_windows()
        purged = retention.purge()
        self.stdout.write(f"queued {queued}, anonymised {purged}")
