"""Default people categories and settings (DOMAIN.md), the categories also seeded by migration 0002; run again after a database flush."""

from importlib import import_module

from django.apps import apps


def ensure():
    """Create the default categories when there are none, and the settings row when missing (edited ones
    are left alone)."""
    if not apps.get_model("people", "Category").objects.exists():
        import_module("jingmin.people.migrations.0002_seed_categories").seed(apps, None)
    apps.get_model("people", "Config").objects.get_or_create(pk=1)
