from django.core.management.base import BaseCommand, CommandError

from jingmin.audit.log import verify


class Command(BaseCommand):
    help = "Audit log tools. `audit verify` walks the hash chain and names the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["verify"])

    def handle(self, *args, **options):
        result = verify()
        if result.ok:
            self.stdout.write(f"audit chain intact: {result.checked} events verified")
            return
        raise CommandError(
            f"audit chain BROKEN at event id {result.broken_id}: {result.problem} "
            f"({result.checked} events verified before it)"
        )
