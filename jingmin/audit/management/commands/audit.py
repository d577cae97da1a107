from django.core.management.base import BaseCommand, CommandError

from jingmin.audit import checkpoints
from jingmin.audit.log import verify


class Command(BaseCommand):
    help = (
        "Audit log tools. `audit verify` walks the keyed hash chain, names the first broken link and holds "
        "the head against the newest signed checkpoint; `audit checkpoint` writes a signed checkpoint of "
        "the head outside the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["verify", "checkpoint"])

    def handle(self, *args, **options):
        if options["subcommand"] == "checkpoint":
            path = checkpoints.write_checkpoint()
            self.stdout.write(
                f"checkpoint written: {path}" if path else "the audit log is empty: no checkpoint"
            )
            return
        result = verify()
        for note in result.notes:
            self.stderr.write(note)
        if result.ok:
            against = (
                f"; head matches the checkpoint of {result.checkpoint['at']} (event {result.checkpoint['event_id']})"
                if result.checkpoint
                else "; no checkpoint yet (run `jingmin audit checkpoint`)"
            )
            self.stdout.write(f"audit chain intact: {result.checked} events verified{against}")
            return
        raise CommandError(
            f"audit chain BROKEN at event id {result.broken_id}: {result.problem} "
            f"({result.checked} events verified before it)"
        )
