"""Default visit rules and settings (DOMAIN.md), also seeded by migration 0002; run again after a flush."""

from importlib import import_module

from django.apps import apps


def ensure():
    """Create the default rules and settings when missing (edited ones are left alone)."""
    if (
        not apps.get_model("visits", "Rule").objects.exists()
        or not apps.get_model("visits", "Config").objects.exists()
    ):
        import_module("jingmin.visits.migrations.0002_seed_rules").seed(apps, None)
