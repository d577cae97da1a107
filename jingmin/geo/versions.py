"""Versions of the data behind the e-map layers (:class:`jingmin.geo.models.LayerVersion`, one row per key)
and the database triggers that bump them.

An app whose table feeds a layer adds, in its own migration, ``watch("<key>", "<app>.<Model>", ...)``: a
``RunPython`` operation that creates the row of the key and, on SQLite and PostgreSQL, triggers that set
the key's version to a new random value after every INSERT, UPDATE, DELETE (and TRUNCATE) of those tables.
Other databases get no triggers; the layers then do not cache (versions unknown).
"""

import random

from django.db import migrations

TABLE = "geo_layerversion"
PG_FUNCTION = "jm_layer_version_bump"


def pg_function_sql():
    """The PostgreSQL function every trigger calls with its key (created by geo's first migration)."""
    return (
        f"CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"UPDATE {TABLE} SET version = (random() * 9e18)::bigint WHERE key = TG_ARGV[0]; "
        "RETURN NULL; END $$"
    )


def trigger_sql(vendor, table, key, quote, reverse=False):
    """Statements that (re)create — or with ``reverse`` only drop — the triggers bumping ``key`` on ``table``."""
    out = []
    if vendor == "postgresql":
        name = f"jm_layer_{key}"
        out.append(f"DROP TRIGGER IF EXISTS {name} ON {quote(table)}")
        if not reverse:
            out.append(
                f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {quote(table)} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}('{key}')"
            )
    elif vendor == "sqlite":
        for event in ("INSERT", "UPDATE", "DELETE"):
            name = f"jm_layer_{key}_{table}_{event.lower()}"
            out.append(f"DROP TRIGGER IF EXISTS {quote(name)}")
            if not reverse:
                out.append(
                    f"CREATE TRIGGER {quote(name)} AFTER {event} ON {quote(table)} BEGIN "
                    f"UPDATE {TABLE} SET version = random() WHERE key = '{key}'; END"
                )
    return out


def _table(apps, name):
    """A table name: ``app_label.Model`` (its table), ``app_label.Model.field`` (a many-to-many field's
    table) or a table name as it is."""
    parts = name.split(".")
    if len(parts) == 1:
        return name
    model = apps.get_model(parts[0], parts[1])
    if len(parts) == 3:
        return model._meta.get_field(parts[2]).remote_field.through._meta.db_table
    return model._meta.db_table


def watch(key, *tables):
    """A migration operation: writes to ``tables`` (see :func:`_table`) bump the version of ``key``."""

    def run(apps, schema_editor, reverse=False):
        connection = schema_editor.connection
        for name in tables:
            for sql in trigger_sql(
                connection.vendor, _table(apps, name), key, connection.ops.quote_name, reverse
            ):
                schema_editor.execute(sql)
        versions = apps.get_model("geo", "LayerVersion")
        if not reverse:
            versions.objects.get_or_create(key=key, defaults={"version": random.getrandbits(62)})

    def unrun(apps, schema_editor):
        run(apps, schema_editor, reverse=True)

    return migrations.RunPython(run, unrun)


def read():
    """Every key's version, as a dict."""
    from jingmin.geo.models import LayerVersion

    return dict(LayerVersion.objects.values_list("key", "version"))


def ensure(keys):
    """The versions, re-creating (with new random values) the rows of ``keys`` a flush removed."""
    from jingmin.geo.models import LayerVersion

    versions = read()
    missing = [k for k in keys if k not in versions]
    if missing:
        LayerVersion.objects.bulk_create(
            [LayerVersion(key=k, version=random.getrandbits(62)) for k in missing], ignore_conflicts=True
        )
        versions = read()
    return versions


#: the keys every layer request reads; :func:`jingmin.geo.layers.register` adds each layer's keys
NEEDED = {"org", "auth"}
