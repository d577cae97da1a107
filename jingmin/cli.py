"""The ``jingmin`` command: thin wrappers around Django management commands.

jingmin serve [--demo]          migrate, collect static files, serve with gunicorn and run the
                                task worker (JINGMIN_SERVE_WORKERS, default 1; --no-worker: none)
jingmin demo                    load the Tainan demo (idempotent) and print the demo accounts
jingmin migrate                 apply database migrations
jingmin createadmin USER UNIT   create an administrator
jingmin audit verify            verify the audit hash chain
jingmin import units FILE       import jurisdiction units (CSV or GeoJSON)
jingmin import geography [FILE] load districts and villages (default: bundled Tainan data)
jingmin worker                  run the background task worker (django-tasks-db; message deliveries)
jingmin manage ...              any other Django management command
"""

import os
import sys

ALIASES = {}  # `worker` is jingmin.messaging's db_worker wrapper (re-schedules unfinished deliveries)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jingmin.settings")
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    from django.core.management import execute_from_command_line

    command = argv[0]
    if command == "manage":
        argv = argv[1:]
    else:
        argv = [ALIASES.get(command, command), *argv[1:]]
    execute_from_command_line(["jingmin", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
