from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jingmin.demo import load_all
from jingmin.org.demo import DEMO_PASSWORD, DEMO_USERS
from jingmin.org.models import Unit, Village
from jingmin.org.roles import ROLE_LABELS


class Command(BaseCommand):
    help = "Load the Tainan demo: every app's seeds and demo data, one account per role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo",
            action="store_true",
            help="allow demo accounts on a configured (non-demo) database such as a DATABASE_URL",
        )

    def handle(self, *args, **options):
        if not settings.DEMO and not options["demo"]:
            raise CommandError(
                "Refusing to create demo accounts: this database is not in demo mode "
                "(DATABASE_URL is set and JINGMIN_DEMO is off). Pass --demo if you really want them."
            )
        units = load_all(stdout=self.stdout).units
        self.stdout.write(
            f"Demo loaded: {Unit.objects.count()} units, {Village.objects.count()} villages. "
            "All data is fictitious except the public geography."
        )
        self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):")
        for username, role_codes, selector, _name in DEMO_USERS:
            self.stdout.write(f"  {username:<18} {ROLE_LABELS[role_codes[0]]!s:<12} {units[selector].name}")
