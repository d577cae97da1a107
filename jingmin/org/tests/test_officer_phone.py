"""Officers' phone numbers are stored encrypted (like residents'), shown in the clear only after the reason."""

import types
from importlib import import_module

from django.db import connection

from jingmin.org import crypto
from jingmin.org.models import Officer


def raw_phone(pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM org_officer WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_the_column_holds_ciphertext_and_the_model_the_number(w):
    officer = Officer.objects.get(user__username="demo-beat")
    assert officer.phone.startswith("06-2000-")
    stored = raw_phone(officer.pk)
    assert officer.phone not in stored
    assert crypto.decrypt(stored) == officer.phone


def test_the_migration_encrypts_numbers_stored_in_the_clear(w):
    officer = Officer.objects.get(user__username="demo-chief")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE org_officer SET phone = %s WHERE id = %s", ["0912-345-678", officer.pk])
    migration = import_module("jingmin.org.migrations.0004_officer_phone_encrypted")
    migration.encrypt_phones(None, types.SimpleNamespace(connection=connection))
    assert raw_phone(officer.pk) != "0912-345-678"
    officer.refresh_from_db()
    assert officer.phone == "0912-345-678"


def test_the_detail_page_shows_the_number_after_the_reason(client, w):
    admin = w.inside["administrator"]
    officer = Officer.objects.get(user__username="demo-beat")
    client.force_login(admin)
    page = client.get(f"/org/officers/{officer.pk}/", {"reason": "勤務聯繫"}).content.decode()
    assert officer.phone in page
