"""Lockout per username and address, growing, reset on success (page and API), unlocked by an administrator."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from jingmin.audit.models import AuditEvent
from jingmin.org.lockout import cool_off


@pytest.fixture(autouse=True)
def _reset_axes(db):
    AccessAttempt.objects.all().delete()


def login(client, username, password, ip="10.1.1.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def token(client, username, password, ip="10.1.1.1"):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


def test_a_lockout_holds_only_for_the_address_that_guessed(client, w):
    for _ in range(5):
        login(client, "demo-chief", "wrong", ip="10.9.9.9")
    assert login(client, "demo-chief", "jingmin-demo", ip="10.9.9.9").status_code == 429
    # the chief at their own computer still signs in
    assert login(client, "demo-chief", "jingmin-demo", ip="10.1.1.1").status_code == 302


def test_a_lockout_is_audited_with_the_address(client, w):
    for _ in range(5):
        login(client, "demo-chief", "wrong", ip="10.9.9.9")
    event = AuditEvent.objects.filter(action="auth.locked_out").latest("id")
    assert event.object_id == "demo-chief" and event.extra["ip"] == "10.9.9.9"


def test_wrong_passwords_during_a_lockout_do_not_count_as_new_lockouts(client, w):
    for _ in range(8):
        response = login(client, "demo-chief", "wrong", ip="10.9.9.8")
    events = AuditEvent.objects.filter(action="auth.locked_out", object_id="demo-chief", extra__ip="10.9.9.8")
    assert events.count() == 1
    assert AuditEvent.objects.filter(action="auth.lockout_refused", object_id="demo-chief").count() == 3
    assert response.status_code == 429
    assert "鎖定 15 分鐘" in login(client, "demo-chief", "wrong", ip="10.9.9.8").content.decode()  # not 30


def test_api_sign_in_resets_the_failure_count(client, w):
    for _ in range(4):
        assert token(client, "demo-beat", "wrong").status_code == 401
    assert token(client, "demo-beat", "jingmin-demo").status_code == 200
    for _ in range(4):
        assert token(client, "demo-beat", "wrong").status_code == 401
    # 8 failures in all, never 5 in a row: not locked
    assert token(client, "demo-beat", "jingmin-demo").status_code == 200


def test_api_lockout_answers_429_in_the_users_language(client, w):
    for _ in range(5):
        token(client, "demo-beat", "wrong")
    response = token(client, "demo-beat", "jingmin-demo")
    assert response.status_code == 429 and "鎖定" in response.json()["detail"]


def test_unknown_usernames_answer_like_known_ones(client, w):
    known = [token(client, "demo-beat", "wrong", ip="10.2.2.2") for _ in range(6)]
    unknown = [token(client, "nobody-here", "wrong", ip="10.2.2.2") for _ in range(6)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [401] * 4 + [429, 429]
    assert known[0].json() == unknown[0].json()


class _Req:
    def __init__(self, username, ip):
        self.axes_credentials = {"username": username}
        self.axes_ip_address = ip


def _lockout_event(username, ip):
    from jingmin.audit import log as audit

    return audit.record("auth.locked_out", obj=("auth.account", username), extra={"ip": ip})


def test_the_wait_doubles_with_each_lockout_of_the_pair(w, settings):
    settings.LOCKOUT_MINUTES = 15
    req = _Req("demo-chief", "10.3.3.3")
    assert cool_off(req) == dt.timedelta(minutes=15)
    _lockout_event("demo-chief", "10.3.3.3")
    assert cool_off(req) == dt.timedelta(minutes=15)
    _lockout_event("demo-chief", "10.3.3.3")
    assert cool_off(req) == dt.timedelta(minutes=30)
    _lockout_event("demo-chief", "10.3.3.3")
    assert cool_off(req) == dt.timedelta(minutes=60)
    # another address, another user: unaffected
    assert cool_off(_Req("demo-chief", "10.4.4.4")) == dt.timedelta(minutes=15)
    assert cool_off(_Req("demo-beat", "10.3.3.3")) == dt.timedelta(minutes=15)
    for _ in range(20):
        _lockout_event("demo-chief", "10.3.3.3")
    assert cool_off(req) == dt.timedelta(hours=24)


def test_lockouts_older_than_a_day_do_not_count(w, settings, monkeypatch):
    _lockout_event("demo-chief", "10.5.5.5")
    _lockout_event("demo-chief", "10.5.5.5")
    later = timezone.now() + dt.timedelta(hours=25)
    monkeypatch.setattr("jingmin.org.lockout.timezone.now", lambda: later)
    assert cool_off(_Req("demo-chief", "10.5.5.5")) == dt.timedelta(minutes=settings.LOCKOUT_MINUTES)


def test_an_administrator_unlocks_a_pair(client, w):
    for _ in range(5):
        login(client, "demo-chief", "wrong", ip="10.6.6.6")
    admin = client.__class__()
    admin.force_login(w.inside["administrator"])
    page = admin.get("/org/lockouts/")
    assert page.status_code == 200 and "demo-chief" in page.content.decode()
    attempt = AccessAttempt.objects.get(username="demo-chief", ip_address="10.6.6.6")
    assert admin.post("/org/lockouts/", {"attempt": attempt.pk}).status_code == 302
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()
    event = AuditEvent.objects.filter(action="auth.unlocked").latest("id")
    assert event.actor_name == "demo-admin" and event.extra["ip"] == "10.6.6.6"
    assert login(client, "demo-chief", "jingmin-demo", ip="10.6.6.6").status_code == 302


@pytest.mark.parametrize("role", ["station_chief", "precinct_officer", "bureau_analyst", "beat_officer"])
def test_only_administrators_unlock(client, w, role):
    client.force_login(w.inside[role])
    assert client.get("/org/lockouts/").status_code == 403
    assert client.post("/org/lockouts/", {"attempt": 1}).status_code == 403


def test_unlocking_a_lifted_lockout_or_garbage_changes_nothing(client, w):
    client.force_login(w.inside["administrator"])
    before = AuditEvent.objects.filter(action="auth.unlocked").count()
    for bad in ("999999", "x", "", "1e9"):
        response = client.post("/org/lockouts/", {"attempt": bad}, follow=True)
        assert response.status_code == 200
    assert AuditEvent.objects.filter(action="auth.unlocked").count() == before
