"""Keyed audit chain (the key id of each event) and a maintenance switch only a database superuser can use.

On PostgreSQL the append-only trigger now lets an UPDATE/DELETE/TRUNCATE of the audit table through only
when ``audit_maintenance`` holds a row *and* the session's role is a superuser; inserting that row is
refused to other roles too. The application's own (non-superuser) role can therefore never switch the
guard off. On SQLite whoever can write the file can do anything; there the signed checkpoints outside the
database are what detect a rewrite (docs/audit.md).
"""

from importlib import import_module

from django.db import migrations, models

PG_UP = """
CREATE OR REPLACE FUNCTION jingmin_audit_append_only() RETURNS trigger AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM audit_maintenance)
     AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; ELSIF TG_OP = 'UPDATE' THEN RETURN NEW; ELSE RETURN NULL; END IF;
  END IF;
  RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION jingmin_audit_maintenance_guard() RETURNS trigger AS $$
BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; ELSE RETURN NEW; END IF;
  END IF;
  RAISE EXCEPTION 'only a database superuser may switch audit maintenance';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_maintenance_guard BEFORE INSERT OR UPDATE ON audit_maintenance
  FOR EACH ROW EXECUTE FUNCTION jingmin_audit_maintenance_guard();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS audit_maintenance_guard ON audit_maintenance;
DROP FUNCTION IF EXISTS jingmin_audit_maintenance_guard();
CREATE OR REPLACE FUNCTION jingmin_audit_append_only() RETURNS trigger AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM audit_maintenance) THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; ELSIF TG_OP = 'UPDATE' THEN RETURN NEW; ELSE RETURN NULL; END IF;
  END IF;
  RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
"""


def up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif schema_editor.connection.vendor == "sqlite":
        # adding the column may rebuild the table on SQLite, which drops its triggers: put them back
        append_only = import_module("jingmin.audit.migrations.0002_append_only")
        for sql in ("DROP TRIGGER IF EXISTS audit_no_update", "DROP TRIGGER IF EXISTS audit_no_delete"):
            schema_editor.execute(sql)
        for sql in append_only.SQLITE_UP:
            schema_editor.execute(sql)


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.RunPython(up, down),
    ]
