"""A fourth version, ``auth``, bumped by writes to users, their groups and their officer profiles, so the
layers can keep a caller's roles and unit between requests (the token itself is still read every time)."""

from importlib import import_module

from django.conf import settings
from django.db import migrations, models

first = import_module("jingmin.places.migrations.0004_layerversion")


def drop_first(apps, schema_editor):
    """SQLite rebuilds the table to add a column, which breaks the triggers that name it: drop them first."""
    first.install(apps, schema_editor, reverse=True)


def restore_first(apps, schema_editor):
    first.install(apps, schema_editor)


def _tables(apps):
    user = apps.get_model(settings.AUTH_USER_MODEL)
    return [
        user._meta.db_table,
        user._meta.get_field("groups").remote_field.through._meta.db_table,
        apps.get_model("auth", "Group")._meta.db_table,
        apps.get_model("org", "Officer")._meta.db_table,
    ]


def install(apps, schema_editor, reverse=False):
    vendor = schema_editor.connection.vendor
    quote = schema_editor.connection.ops.quote_name
    statements = []
    if vendor == "postgresql":
        for table in _tables(apps):
            statements.append(f"DROP TRIGGER IF EXISTS jm_layer_bump_auth ON {quote(table)}")
        statements.append("DROP FUNCTION IF EXISTS jm_layer_bump_auth()")
        if not reverse:
            statements.append(
                "CREATE FUNCTION jm_layer_bump_auth() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "UPDATE places_layerversion SET auth = (random() * 9e18)::bigint WHERE id = 1; RETURN NULL; END $$"
            )
            for table in _tables(apps):
                statements.append(
                    f"CREATE TRIGGER jm_layer_bump_auth AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                    f"ON {quote(table)} FOR EACH STATEMENT EXECUTE FUNCTION jm_layer_bump_auth()"
                )
    elif vendor == "sqlite":
        for table in _tables(apps):
            for event in ("INSERT", "UPDATE", "DELETE"):
                name = f"jm_layer_bump_auth_{table}_{event.lower()}"
                statements.append(f"DROP TRIGGER IF EXISTS {name}")
                if not reverse:
                    statements.append(
                        f"CREATE TRIGGER {name} AFTER {event} ON {quote(table)} BEGIN "
                        "UPDATE places_layerversion SET auth = random() WHERE id = 1; END"
                    )
    for sql in statements:
        schema_editor.execute(sql)


def uninstall(apps, schema_editor):
    install(apps, schema_editor, reverse=True)


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0004_layerversion"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_first, restore_first),
        migrations.AddField(model_name="layerversion", name="auth", field=models.BigIntegerField(default=0)),
        migrations.RunPython(restore_first, drop_first),
        migrations.RunPython(install, uninstall),
    ]
