import datetime as dt

from django.core.management.base import BaseCommand

from jingmin.visits import schedule


class Command(BaseCommand):
    help = (
        "Create the visit plans of the current period for every person and place that needs one (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today)")

    def handle(self, *args, date=None, **options):
        day = dt.date.fromisoformat(date) if date else None
        self.stdout.write(f"{schedule.generate(day)} visit plan(s) created")
