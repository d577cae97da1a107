from django.core.management.base import BaseCommand

from jingmin.org import backup


class Command(BaseCommand):
    help = (
        "Field-encryption keys. `keys rotate` re-encrypts every encrypted value with the first key of "
        "JINGMIN_FERNET_KEYS, in batches (put the new key first, keep the old ones until it has finished)."
    )

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["rotate"])
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, **options):
        done = backup.rotate_keys(batch_size=max(1, options["batch_size"]), stdout=self.stdout)
        self.stdout.write(f"re-encrypted {sum(done.values())} values in {len(done)} columns")
