from django.db import migrations


def seed(apps, schema_editor):
    from jingmin.messaging.seeds import ensure_seeds

    ensure_seeds(apps.get_model("messaging", "Tag"), apps.get_model("messaging", "MessageTemplate"))


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
