"""Version counters for the e-map layer caches, bumped by triggers (see places.models.LayerVersion)."""

from django.db import migrations, models

# table -> column of places_layerversion that its writes bump
WATCHED = {
    "places_place": "places",
    "places_category": "places",
    "people_person": "persons",
    "people_category": "persons",
    "org_unit": "org",
    "org_unit_districts": "org",
    "org_village": "org",
}


def _pg_sql(reverse=False):
    out = []
    for table in WATCHED:
        out.append(f"DROP TRIGGER IF EXISTS jm_layer_bump ON {table}")
    if reverse:
        out.append("DROP FUNCTION IF EXISTS jm_layer_bump()")
        return out
    out.append(
        """CREATE OR REPLACE FUNCTION jm_layer_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE places_layerversion SET
        places = CASE WHEN TG_ARGV[0] = 'places' THEN (random() * 9e18)::bigint ELSE places END,
        persons = CASE WHEN TG_ARGV[0] = 'persons' THEN (random() * 9e18)::bigint ELSE persons END,
        org = CASE WHEN TG_ARGV[0] = 'org' THEN (random() * 9e18)::bigint ELSE org END
    WHERE id = 1;
    RETURN NULL;
END $$"""
    )
    for table, column in WATCHED.items():
        out.append(
            f"CREATE TRIGGER jm_layer_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION jm_layer_bump('{column}')"
        )
    return out


def _sqlite_sql(reverse=False):
    out = []
    for table, column in WATCHED.items():
        for event in ("INSERT", "UPDATE", "DELETE"):
            name = f"jm_layer_bump_{table}_{event.lower()}"
            out.append(f"DROP TRIGGER IF EXISTS {name}")
            if not reverse:
                out.append(
                    f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN "
                    f"UPDATE places_layerversion SET {column} = random() WHERE id = 1; END"
                )
    return out


def install(apps, schema_editor, reverse=False):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = _pg_sql(reverse)
    elif vendor == "sqlite":
        statements = _sqlite_sql(reverse)
    else:  # another database: the layers fall back to no caching (versions stay None)
        return
    for sql in statements:
        schema_editor.execute(sql)
    if not reverse:
        apps.get_model("places", "LayerVersion").objects.get_or_create(pk=1)


def uninstall(apps, schema_editor):
    install(apps, schema_editor, reverse=True)


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0003_updated_at_index"),
        ("people", "0003_updated_at_index"),
        ("org", "0003_scheduled_run"),
    ]

    operations = [
        migrations.CreateModel(
            name="LayerVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("places", models.BigIntegerField(default=0)),
                ("persons", models.BigIntegerField(default=0)),
                ("org", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "layer version"},
        ),
        migrations.RunPython(install, uninstall),
    ]
