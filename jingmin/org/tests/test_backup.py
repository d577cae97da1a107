"""Backup and restore round-trip on the database the suite runs on (SQLite or PostgreSQL), and the
field-encryption key rotation."""

import json

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from jingmin.audit import log
from jingmin.conftest import load_world
from jingmin.org import backup, crypto
from jingmin.org.models import Officer, TrainingAttendance


def raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_gives_back_every_row_and_an_intact_chain(tmp_path, capsys):
    load_world()
    log.record("test.before_backup")
    before = backup.table_counts()
    path = backup.backup(tmp_path / "round.bak")
    manifest = json.loads((tmp_path / "round.bak.json").read_text())
    assert manifest["tables"] == before
    assert manifest["audit_head"] == backup.audit_head()

    TrainingAttendance.objects.all().delete()  # the loss a restore repairs
    log.record("test.after_backup")
    assert backup.table_counts() != before

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(path))
    call_command("restore", str(path), "--yes")
    out = capsys.readouterr().out
    assert "row counts match" in out
    assert "audit chain intact" in out
    assert backup.table_counts() == before
    assert TrainingAttendance.objects.exists()
    assert log.verify().ok


@pytest.mark.django_db(transaction=True)
def test_backup_command_and_bad_files(tmp_path, capsys):
    load_world()
    call_command("backup", str(tmp_path / "cmd.bak"))
    assert "backup written" in capsys.readouterr().out
    junk = tmp_path / "junk.bak"
    junk.write_bytes(b"not a backup at all" * 100)
    before = backup.table_counts()
    with pytest.raises(CommandError):
        call_command("restore", str(junk), "--yes")
    with pytest.raises(CommandError, match="no backup"):
        call_command("restore", str(tmp_path / "missing.bak"), "--yes")
    assert backup.table_counts() == before


def test_restore_warns_when_the_keys_cannot_read_the_backup(w, settings):
    manifest = {"keys": backup.key_fingerprints()}
    assert backup.key_problems(manifest) == []
    settings.FERNET_KEYS = [Fernet.generate_key().decode()]
    settings.AUDIT_KEYS = ["other:a-completely-different-secret"]
    problems = backup.key_problems(manifest)
    assert any("field-encryption" in p for p in problems)
    assert any("audit key 's0'" in p for p in problems)
    assert backup.key_problems(None)


def test_key_rotation_re_encrypts_every_column_with_the_new_key(w, settings, capsys):
    officer = Officer.objects.get(user__username="demo-beat")
    phone = officer.phone
    old = list(crypto._configured_keys())
    new = Fernet.generate_key().decode()
    settings.FERNET_KEYS = [new, *old]
    columns = {f"{t}.{c}" for t, _pk, c in backup.encrypted_columns()}
    assert "org_officer.phone" in columns
    assert any(c.endswith("_enc") for c in columns)  # persons' national IDs and phones
    call_command("keys", "rotate", "--batch-size", "3")
    assert "re-encrypted" in capsys.readouterr().out
    token = raw("org_officer", "phone", officer.pk)
    assert Fernet(new.encode()).decrypt(token.encode()).decode() == phone
    settings.FERNET_KEYS = [new]  # the old key can go now
    officer.refresh_from_db()
    assert officer.phone == phone
    assert log.verify().ok
