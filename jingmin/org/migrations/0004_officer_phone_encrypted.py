"""Officers' phone numbers are personal data: store them encrypted (Fernet), like residents' numbers."""

from django.db import migrations, models

import jingmin.org.crypto


def _convert(schema_editor, transform):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, phone FROM org_officer WHERE phone <> ''")
        rows = cursor.fetchall()
        for pk, phone in rows:
            cursor.execute("UPDATE org_officer SET phone = %s WHERE id = %s", [transform(phone), pk])


_triggers = []  # SQLite rebuilds the table to change a column's type, dropping its triggers: keep them


def save_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'org_officer'")
        _triggers[:] = cursor.fetchall()


def restore_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, sql in _triggers:
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        schema_editor.execute(sql)


def _encrypt_once(value):
    try:
        jingmin.org.crypto.decrypt(value)
        return value  # already a token (the migration ran before, or the row was written since)
    except (jingmin.org.crypto.InvalidToken, ValueError, TypeError):
        return jingmin.org.crypto.encrypt(value)


def encrypt_phones(apps, schema_editor):
    _convert(schema_editor, _encrypt_once)


def decrypt_phones(apps, schema_editor):
    _convert(schema_editor, jingmin.org.crypto.decrypt)


class Migration(migrations.Migration):
    dependencies = [("org", "0003_scheduled_run")]

    operations = [
        migrations.RunPython(save_triggers, restore_triggers),
        migrations.AlterField(
            model_name="officer", name="phone", field=models.TextField(blank=True, verbose_name="phone")
        ),
        migrations.RunPython(encrypt_phones, decrypt_phones),
        migrations.AlterField(
            model_name="officer",
            name="phone",
            field=jingmin.org.crypto.EncryptedTextField(blank=True, max_length=30, verbose_name="phone"),
        ),
        migrations.RunPython(restore_triggers, save_triggers),
    ]
