from django.core.management.base import BaseCommand

from jingmin.messaging import actions
from jingmin.messaging.models import RetentionSettings


class Command(BaseCommand):
    help = (
        "Retention: delete closed tips (with their images) and webhook event records older than the "
        "configured periods. Open tips are never deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count")
        parser.add_argument("--enqueue", action="store_true", help="enqueue the background task instead")

    def handle(self, *args, dry_run=False, enqueue=False, **options):
        if enqueue:
            from jingmin.messaging.tasks import purge_expired_messaging

            result = purge_expired_messaging.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        config = RetentionSettings.get()
        counts = actions.purge_expired(dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(
            f"{verb} {counts['tips']} closed tip(s) older than {config.closed_tip_days} days "
            f"({counts['images']} image(s)) and {counts['events']} webhook event record(s) older than "
            f"{config.webhook_event_days} days"
        )
