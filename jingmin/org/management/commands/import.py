from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jingmin.discover import app_modules
from jingmin.org.importer import VILLAGES_FILE, ImportFailed, import_units, load_geography

OWN_KINDS = ("units", "geography")


def app_kinds():
    """{kind: module} of every app's ``management/import_<kind>.py`` (a ``run(command, file, **options)``)."""
    from django.apps import apps

    kinds = {
        path.stem.removeprefix("import_")
        for config in apps.get_app_configs()
        for path in (Path(config.path) / "management").glob("import_*.py")
    }
    return {
        kind: module for kind in sorted(kinds) for _label, module in app_modules(f"management.import_{kind}")
    }


class Command(BaseCommand):
    help = (
        "Import data: `import units FILE` (CSV or GeoJSON), `import geography [FILE]`, and each app's kinds."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[*OWN_KINDS, *app_kinds()])
        parser.add_argument("file", nargs="?")
        parser.add_argument(
            "--valid-only", action="store_true", help="import the valid rows, report the rest"
        )

    def handle(self, *args, kind, file, **options):
        if kind not in OWN_KINDS:
            return app_kinds()[kind].run(self, file, valid_only=options["valid_only"])
        if kind == "geography":
            created, updated = load_geography(Path(file) if file else VILLAGES_FILE)
            self.stdout.write(f"geography: {created} villages created, {updated} updated")
            return
        if not file:
            raise CommandError("give the file to import")
        path = Path(file)
        if not path.exists():
            raise CommandError(f"no such file: {file}")
        try:
            content = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text")
        try:
            result = import_units(content, path.name)
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(exc.errors)} error(s); nothing was imported")
        self.stdout.write("units: {rows} rows, {created} created, {updated} updated".format(**result))
