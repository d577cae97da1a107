"""Two-factor sign-in (TOTP) for sensitive roles."""

import pytest
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from jingmin.audit.models import AuditEvent


def code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def sign_in(client, username):
    return client.post("/login/", {"username": username, "password": "jingmin-demo"})


@pytest.fixture(autouse=True)
def _otp_on(settings, db):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()
    settings.OTP_REQUIRED = True


def test_sensitive_role_must_set_up_then_use_a_code(client, w):
    sign_in(client, "demo-investigator")
    response = client.get("/org/units/")
    assert response.status_code == 302 and response.url.startswith("/account/otp/setup/")
    setup = client.get(response.url)
    assert "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user__username="demo-investigator")
    assert not device.confirmed
    wrong = client.post("/account/otp/setup/", {"token": "000000" if code(device) != "000000" else "111111"})
    assert "不正確" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code throttles the next try for a second
    ok = client.post("/account/otp/setup/?next=/org/units/", {"token": code(device)})
    assert ok.status_code == 302 and ok.url == "/org/units/"
    assert client.get("/org/units/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.otp_setup").exists()
    # a new session asks for the code again
    client.logout()
    sign_in(client, "demo-investigator")
    response = client.get("/")
    assert response.url.startswith("/account/otp/verify/")
    device.refresh_from_db()
    device.last_t = -1  # a code is single-use per time step; let the same step's code verify again
    device.save()
    assert client.post("/account/otp/verify/", {"token": code(device)}).status_code == 302
    assert client.get("/").status_code == 200


def test_other_roles_are_not_asked(client, w):
    sign_in(client, "demo-beat")
    assert client.get("/").status_code == 200


@override_settings(OTP_REQUIRED=False)
def test_off_in_demo_mode(client, w):
    sign_in(client, "demo-investigator")
    assert client.get("/").status_code == 200


def test_api_token_needs_otp_for_sensitive_roles(client, w):
    device = TOTPDevice.objects.create(user=w.inside["investigator"], name="app", confirmed=True)
    body = {"username": "demo-investigator", "password": "jingmin-demo"}
    refused = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert refused.status_code == 401 and "otp" in refused.json()["detail"]
    granted = client.post(
        "/api/v1/auth/token", {**body, "otp": code(device)}, content_type="application/json"
    )
    assert granted.status_code == 200


def test_next_cannot_leave_the_site(client, w):
    sign_in(client, "demo-liaison")
    client.get(client.get("/").url)
    device = TOTPDevice.objects.get(user__username="demo-liaison")
    response = client.post("/account/otp/setup/?next=//evil.example/", {"token": code(device)})
    assert response.url == "/"
