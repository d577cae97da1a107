"""The layer versions move to ``geo.LayerVersion`` (a row per key): the triggers of 0004 and 0005 and
their one-row table go; writes to places and place categories bump the ``places`` key."""

from importlib import import_module

from django.db import migrations

from jingmin.geo.versions import watch

first = import_module("jingmin.places.migrations.0004_layerversion")
auth = import_module("jingmin.places.migrations.0005_layerversion_auth")


def drop_old(apps, schema_editor):
    auth.install(apps, schema_editor, reverse=True)
    first.install(apps, schema_editor, reverse=True)


def restore_old(apps, schema_editor):
    first.install(apps, schema_editor)
    auth.install(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0005_layerversion_auth"),
        ("geo", "0001_layerversion"),
    ]

    operations = [
        migrations.RunPython(drop_old, restore_old),
        migrations.DeleteModel(name="LayerVersion"),
        watch("places", "places.Place", "places.Category"),
    ]
