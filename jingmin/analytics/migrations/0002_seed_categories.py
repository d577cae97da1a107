"""Seed the incident categories (editable afterwards in the admin)."""

from django.db import migrations


def seed(apps, schema_editor):
    from jingmin.analytics.seeds import ensure_categories

    ensure_categories(apps.get_model("analytics", "IncidentCategory"))


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
