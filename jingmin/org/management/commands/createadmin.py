import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jingmin.org import roles
from jingmin.org.actions import create_user
from jingmin.org.models import Unit


class Command(BaseCommand):
    help = (
        "Create an administrator attached to a unit (the password from JINGMIN_ADMIN_PASSWORD or a prompt)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("unit", help="unit code, e.g. TNPD")

    def handle(self, *args, username, unit, **options):
        unit_obj = Unit.objects.filter(code=unit).first()
        if unit_obj is None:
            raise CommandError(f"unknown unit {unit!r}; import units first (jingmin import units FILE)")
        password = os.environ.get("JINGMIN_ADMIN_PASSWORD") or getpass.getpass("Password: ")
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages))
        user, created = create_user(
            acting_user=None,
            username=username,
            password=password,
            unit=unit_obj,
            role_codes=[roles.ADMINISTRATOR],
            is_superuser=True,
        )
        if not created:
            raise CommandError(f"user {username!r} already exists")
        self.stdout.write(f"administrator {username} created in {unit_obj.name}")
