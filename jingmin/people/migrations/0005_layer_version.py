"""Writes to persons and person categories bump the ``persons`` layer version."""

from django.db import migrations

from jingmin.geo.versions import watch


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_search_requests_notices_config"),
        ("geo", "0001_layerversion"),
    ]

    operations = [watch("persons", "people.Person", "people.Category")]
