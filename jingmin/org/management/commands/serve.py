import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, collect static files and serve Jingmin with gunicorn (whitenoise serves static files)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("JINGMIN_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("JINGMIN_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("JINGMIN_THREADS", "4")))
        parser.add_argument("--demo", action="store_true", help="load the demo data first (idempotent)")
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args, **options):
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        if options["demo"]:
            call_command("demo")
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(
            f"Jingmin serving on http://{options['bind']} (database: {settings.DATABASES['default']['ENGINE']})"
        )
        sys.stdout.flush()
        gunicorn = [
            sys.executable,
            "-m",
            "gunicorn",
            "jingmin.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            os.environ.get("JINGMIN_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        os.execv(sys.executable, gunicorn)
