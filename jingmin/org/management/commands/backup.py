from django.core.management.base import BaseCommand, CommandError

from jingmin.org import backup


class Command(BaseCommand):
    help = (
        "Back up the whole database (pg_dump on PostgreSQL, the online backup API on SQLite) to FILE "
        "(default var/backups/jingmin-<time>.dump|sqlite3) with a manifest FILE.json. The keys are not in it: "
        "back up JINGMIN_FERNET_KEYS, JINGMIN_AUDIT_KEYS and var/secret_key separately."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?")

    def handle(self, *args, **options):
        try:
            path = backup.backup(options["file"])
        except (backup.BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        manifest = backup.read_manifest(path)
        rows = sum(manifest["tables"].values())
        self.stdout.write(f"backup written: {path} ({len(manifest['tables'])} tables, {rows} rows)")
