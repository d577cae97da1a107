from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from jingmin.org import backup


class Command(BaseCommand):
    help = (
        "Replace the database's content with a backup written by `jingmin backup`, then compare the row "
        "counts with its manifest and verify the audit chain. Asks for --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="really replace the current data")

    def handle(self, *args, **options):
        manifest = backup.read_manifest(options["file"])
        for problem in backup.key_problems(manifest):
            self.stderr.write(f"warning: {problem}")
        if not options["yes"]:
            raise CommandError(
                "Restoring replaces every row of this database. Run again with --yes to do it."
            )
        try:
            backup.restore(options["file"])
        except (backup.BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        if manifest:
            now = backup.table_counts()
            differ = {t: (n, now.get(t)) for t, n in manifest["tables"].items() if now.get(t) != n}
            if differ:
                raise CommandError(f"restored, but row counts differ from the manifest: {differ}")
        self.stdout.write(f"restored {options['file']}; row counts match the manifest")
        call_command("audit", "verify", stdout=self.stdout, stderr=self.stderr)
