"""Make the audit table append-only in the database itself (PostgreSQL and SQLite triggers).

Updates, deletes and truncation of ``audit_auditevent`` are refused unless the one-row table
``audit_maintenance`` holds a row: a deliberate, visible switch for maintenance (and for the test
suite, which flushes tables between browser tests). In production it stays empty.
"""

from django.db import migrations

PG_UP = """
CREATE TABLE IF NOT EXISTS audit_maintenance (reason varchar(200) NOT NULL, since timestamptz NOT NULL DEFAULT now());
CREATE OR REPLACE FUNCTION jingmin_audit_append_only() RETURNS trigger AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM audit_maintenance) THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; ELSIF TG_OP = 'UPDATE' THEN RETURN NEW; ELSE RETURN NULL; END IF;
  END IF;
  RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
  FOR EACH ROW EXECUTE FUNCTION jingmin_audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_auditevent
  FOR EACH STATEMENT EXECUTE FUNCTION jingmin_audit_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS audit_append_only ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_no_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS jingmin_audit_append_only();
DROP TABLE IF EXISTS audit_maintenance;
"""
SQLITE_UP = [
    "CREATE TABLE IF NOT EXISTS audit_maintenance (reason varchar(200) NOT NULL, since datetime NOT NULL DEFAULT CURRENT_TIMESTAMP)",
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_auditevent "
    "WHEN NOT EXISTS (SELECT 1 FROM audit_maintenance) "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_auditevent "
    "WHEN NOT EXISTS (SELECT 1 FROM audit_maintenance) "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_no_update",
    "DROP TRIGGER IF EXISTS audit_no_delete",
    "DROP TABLE IF EXISTS audit_maintenance",
]


def up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
