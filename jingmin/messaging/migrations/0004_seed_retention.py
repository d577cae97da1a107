from django.db import migrations


def seed(apps, schema_editor):
    """The default retention periods (closed tips 2 years, webhook event records 90 days)."""
    RetentionSettings = apps.get_model("messaging", "RetentionSettings")
    RetentionSettings.objects.get_or_create(pk=1, defaults={"closed_tip_days": 730, "webhook_event_days": 90})


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0003_retention_profiles_quota_errors"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
