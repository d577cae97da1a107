"""The audit log is an intact hash chain; any change, deletion or insertion is found by `audit verify`."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from jingmin.audit import log
from jingmin.audit.models import AuditEvent


def test_record_links_to_previous(w):
    a = log.record("test.one", actor=w.inside["station_chief"], obj=w.station, reason="檢查")
    b = log.record("test.two", obj=("org.unit", "x"), extra={"n": 1, "text": "中文"})
    assert b.prev_hash == a.hash
    assert a.unit_code == w.station.code
    assert a.actor_name == "demo-chief"
    assert log.verify().ok


def test_verify_command_ok(w, capsys):
    log.record("test.x")
    call_command("audit", "verify")
    assert "intact" in capsys.readouterr().out


def _tamper(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize("how", ["alter", "delete", "reorder_hash"])
def test_tampering_is_detected(w, how):
    events = [log.record(f"test.{i}", extra={"i": i}) for i in range(5)]
    victim = events[2]
    if how == "alter":
        _tamper("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["changed", victim.id])
        expected = victim.id
    elif how == "delete":
        _tamper("DELETE FROM audit_auditevent WHERE id = %s", [victim.id])
        expected = events[3].id
    else:
        _tamper("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["mallory", victim.id])
        expected = victim.id
    result = log.verify()
    assert not result.ok
    assert result.broken_id == expected
    with pytest.raises(CommandError, match=f"event id {expected}"):
        call_command("audit", "verify")


def test_database_refuses_update_and_delete_outside_maintenance(w):
    event = log.record("test.guard")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_maintenance")
    for sql in (
        "UPDATE audit_auditevent SET reason = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            _tamper(sql, [event.id])
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_model_refuses_update_and_delete(w):
    event = log.record("test.model")
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_request_id_is_recorded(client, w):
    client.force_login(w.inside["station_chief"])
    response = client.post(
        "/org/training/new/",
        {"topic": "t", "held_on": "2026-11-01", "hours": "1"},
        HTTP_X_REQUEST_ID="req-123",
    )
    assert response["X-Request-ID"] == "req-123"
    assert AuditEvent.objects.last().request_id == "req-123"
