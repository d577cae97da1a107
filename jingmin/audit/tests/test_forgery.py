"""The audit chain is forgery-evident: keyed hashes, signed checkpoints outside the database, and a
maintenance switch that the application's database role cannot use."""

import hashlib
import json

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from jingmin.audit import checkpoints, log
from jingmin.audit.models import AuditEvent


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def rewrite_without_key(event, **changes):
    """What someone holding only the database can do: change an event and recompute every later hash
    with the formula they can see (SHA-256 over the previous hash and the content)."""
    events = list(AuditEvent.objects.filter(id__gte=event.id).order_by("id"))
    prev = events[0].prev_hash
    for e in events:
        for name, value in (changes if e.id == event.id else {}).items():
            setattr(e, name, value)
        content = e.content()
        if e.key_id:
            content["key"] = e.key_id
        canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        e.prev_hash = prev
        e.hash = hashlib.sha256((prev + canonical).encode()).hexdigest()
        sql(
            "UPDATE audit_auditevent SET reason = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [e.reason, e.prev_hash, e.hash, e.id],
        )
        prev = e.hash


def test_new_events_carry_the_key_id_and_a_keyed_hash(w):
    event = log.record("test.keyed")
    assert event.key_id == "s0"
    content = json.dumps(
        {**event.content(), "key": "s0"}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    assert event.hash != hashlib.sha256((event.prev_hash + content).encode()).hexdigest()
    assert log.verify().ok


def test_rewriting_and_recomputing_the_later_hashes_is_detected(w):
    events = [log.record(f"test.{i}", reason="原因") for i in range(4)]
    rewrite_without_key(events[1], reason="改寫")
    result = log.verify()
    assert not result.ok
    assert result.broken_id == events[1].id
    assert "altered" in result.problem


def test_removing_the_last_events_is_found_by_the_checkpoint(w):
    events = [log.record(f"test.{i}") for i in range(3)]
    path = checkpoints.write_checkpoint()
    assert json.loads(path.read_text())["event_id"] == events[-1].id
    assert log.verify().ok
    sql("DELETE FROM audit_auditevent WHERE id >= %s", [events[1].id])
    result = log.verify()
    assert not result.ok
    assert result.broken_id == events[-1].id
    assert "removed" in result.problem
    with pytest.raises(CommandError, match="removed"):
        call_command("audit", "verify")


def test_events_after_the_checkpoint_are_fine_and_the_newest_checkpoint_counts(w):
    log.record("test.a")
    checkpoints.write_checkpoint()
    log.record("test.b")
    newest = json.loads(checkpoints.write_checkpoint().read_text())
    log.record("test.c")
    result = log.verify()
    assert result.ok
    assert result.checkpoint["event_id"] == newest["event_id"]


def test_a_forged_checkpoint_is_ignored_and_named(w, capsys):
    log.record("test.a")
    path = checkpoints.write_checkpoint()
    body = json.loads(path.read_text())
    body["event_id"] += 1000  # claims a later head without the key to sign it
    forged = path.with_name("999999999999-forged.json")
    forged.write_text(json.dumps(body))
    result = log.verify()
    assert result.ok
    assert result.checkpoint["event_id"] == body["event_id"] - 1000
    assert any("forged.json" in note for note in result.notes)
    call_command("audit", "verify")
    assert "forged.json" in capsys.readouterr().err
    forged.unlink()


def test_rotation_keeps_old_events_verifiable_and_an_unknown_key_fails(w):
    from jingmin.audit import keys

    base = [f"{key_id}:{secret}" for key_id, secret in keys._pairs()]  # the demo world's events
    with override_settings(AUDIT_KEYS=["k1:first-secret-of-sixteen", *base]):
        old = log.record("test.old")
        assert old.key_id == "k1"
    with override_settings(AUDIT_KEYS=["k2:second-secret-of-sixteen", "k1:first-secret-of-sixteen", *base]):
        new = log.record("test.new")
        assert new.key_id == "k2"
        assert log.verify().ok
    with override_settings(AUDIT_KEYS=["k2:second-secret-of-sixteen", *base]):
        result = log.verify()
        assert not result.ok
        assert result.broken_id == old.id
        assert "'k1'" in result.problem


def test_badly_configured_keys_are_refused(w):
    from django.core.exceptions import ImproperlyConfigured

    for bad in (["no-colon-here-at-all"], ["k:short"], [":missing-id-secret-long"]):
        with override_settings(AUDIT_KEYS=bad), pytest.raises(ImproperlyConfigured):
            log.record("test.never")


def test_an_unkeyed_event_after_keyed_ones_is_forged(w):
    event = log.record("test.a")
    after = log.record("test.b")
    sql("UPDATE audit_auditevent SET key_id = '' WHERE id = %s", [after.id])
    result = log.verify()
    assert not result.ok
    assert result.broken_id == after.id
    assert event.key_id


def test_checkpoint_command_and_job_mail_the_checkpoint(w, capsys, settings):
    from jingmin.audit.tasks import write_checkpoint

    settings.AUDIT_CHECKPOINT_EMAIL = ["auditor@example.org"]
    log.record("test.a")
    call_command("audit", "checkpoint")
    assert "checkpoint written" in capsys.readouterr().out
    write_checkpoint.call()
    assert len(mail.outbox) == 2
    assert "event_id" in mail.outbox[0].body


def test_the_maintenance_switch_is_for_database_superusers_only(w):
    event = log.record("test.guard")
    if connection.vendor != "postgresql":
        # SQLite has no roles: the triggers still refuse changes while maintenance is off
        sql("DELETE FROM audit_maintenance")
        with pytest.raises(DatabaseError), transaction.atomic():
            sql("DELETE FROM audit_auditevent WHERE id = %s", [event.id])
        return
    sql("CREATE ROLE jingmin_app_probe NOSUPERUSER")
    sql("GRANT ALL ON audit_auditevent, audit_maintenance TO jingmin_app_probe")
    sql("SET ROLE jingmin_app_probe")
    try:
        with pytest.raises(DatabaseError, match="superuser"), transaction.atomic():
            sql("INSERT INTO audit_maintenance (reason) VALUES ('let me in')")
        # the maintenance row the test suite set (as a superuser) is there, yet the app role is refused
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            sql("DELETE FROM audit_auditevent WHERE id = %s", [event.id])
    finally:
        sql("RESET ROLE")
    assert AuditEvent.objects.filter(pk=event.pk).exists()
