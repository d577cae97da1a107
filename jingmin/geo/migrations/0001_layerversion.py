"""Layer versions, one row per key, and the triggers of the keys geo itself watches: ``org`` (units, their
districts, villages) and ``auth`` (users, groups, group membership, officer profiles)."""

from django.conf import settings
from django.db import migrations, models

from jingmin.geo.versions import PG_FUNCTION, pg_function_sql, watch


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(pg_function_sql())


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("org", "0004_officer_phone_encrypted"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="LayerVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.SlugField(max_length=40, unique=True)),
                ("version", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "layer version"},
        ),
        migrations.RunPython(create_function, drop_function),
        watch("org", "org.Unit", "org.Unit.districts", "org.Village"),
        watch("auth", settings.AUTH_USER_MODEL, f"{settings.AUTH_USER_MODEL}.groups", "auth.Group", "org.Officer"),
    ]
