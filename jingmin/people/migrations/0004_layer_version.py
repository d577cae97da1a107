"""Writes to persons and person categories bump the ``persons`` layer version."""

from django.db import migrations

from jingmin.geo.versions import watch


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_updated_at_index"),
        ("geo", "0001_layerversion"),
    ]

    operations = [watch("persons", "people.Person", "people.Category")]
