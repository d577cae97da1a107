"""``jingmin import incidents FILE.csv [--valid-only]`` (called from the org ``import`` command)."""

from pathlib import Path

from django.core.management.base import CommandError

from jingmin.analytics.importer import import_incidents


def run(command, file, *, valid_only=False):
    if not file:
        raise CommandError("give the file to import")
    path = Path(file)
    if not path.exists():
        raise CommandError(f"no such file: {file}")
    try:
        content = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CommandError(f"{file} is not UTF-8 text")
    report = import_incidents(content, filename=path.name, valid_only=valid_only)
    for error in report.errors:
        command.stderr.write(str(error))
    if report.bad_rows > len(report.errors):
        command.stderr.write(f"… and {report.bad_rows - len(report.errors)} more bad row(s)")
    summary = (
        f"incidents: {report.rows} rows, {report.valid} valid, {report.bad_rows} bad; {report.created} created, "
        f"{report.updated} updated, {report.unchanged} unchanged; {report.alerts} near-repeat alert(s); "
        f"{report.seconds:.2f} s"
    )
    if not report.written:
        if report.bad_rows:
            raise CommandError(
                f"{report.bad_rows} bad row(s); nothing was imported (use --valid-only to import the valid rows)"
            )
        raise CommandError("nothing to import")
    command.stdout.write(summary)
