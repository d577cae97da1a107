from django.core.management.base import BaseCommand

from jingmin.demo import seed_all, seed_modules


class Command(BaseCommand):
    help = "Create every app's default configuration (categories, visit rules, templates) that is missing."

    def handle(self, *args, **options):
        seed_all()
        labels = ", ".join(label for label, _module in seed_modules())
        self.stdout.write(f"Seeds ensured: {labels}")
