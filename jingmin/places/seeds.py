"""Default places categories (DOMAIN.md), also seeded by migration 0002; run again after a database flush."""

from importlib import import_module

from django.apps import apps


def ensure():
    """Create the default categories when there are none (edited ones are left alone)."""
    if not apps.get_model("places", "Category").objects.exists():
        import_module("jingmin.places.migrations.0002_seed_categories").seed(apps, None)
