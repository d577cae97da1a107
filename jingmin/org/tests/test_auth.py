"""Sign-in, lockout, disabled accounts, tokens, security headers, languages."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from jingmin.org.models import ApiToken


@pytest.fixture(autouse=True)
def _reset_axes(db):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


def login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_login_lands_on_home(client, w):
    response = login(client, "demo-beat", "jingmin-demo")
    assert response.status_code == 302 and response.url == "/"
    home = client.get("/")
    assert "開元里" in home.content.decode()  # the beat's village, in zh-Hant by default


def test_wrong_password_message(client, w):
    response = login(client, "demo-beat", "nope")
    assert response.status_code == 200
    assert "帳號或密碼錯誤" in response.content.decode()


def test_disabled_account_message(client, w):
    user = get_user_model().objects.get(username="demo-beat2")
    user.is_active = False
    user.save()
    response = login(client, "demo-beat2", "jingmin-demo")
    assert "此帳號已停用" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_after_five_failures(client, w):
    for _ in range(5):
        login(client, "demo-chief", "wrong")
    response = login(client, "demo-chief", "jingmin-demo")  # even the right password
    assert response.status_code == 429
    assert "鎖定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # another account is not affected
    assert login(client, "demo-beat", "jingmin-demo").status_code == 302


def test_api_token_lifecycle(client, w):
    response = client.post(
        "/api/v1/auth/token",
        {"username": "demo-beat", "password": "jingmin-demo"},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/v1/me", **headers).json()["username"] == "demo-beat"
    stored = ApiToken.objects.get(user__username="demo-beat")
    assert token not in stored.digest
    assert client.delete("/api/v1/auth/token", **headers).status_code == 204
    assert client.get("/api/v1/me", **headers).status_code == 401


def test_expired_token_refused(client, w):
    token, raw = ApiToken.issue(w.inside["beat_officer"])
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_api_token_errors(client, w):
    post = lambda body: client.post("/api/v1/auth/token", body, content_type="application/json")  # noqa: E731
    assert post({"username": "demo-beat", "password": "x"}).status_code == 401
    bad = post({"username": "demo-beat"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"]
    assert client.post("/api/v1/auth/token", "not json", content_type="application/json").status_code in (
        400,
        422,
    )
    for _ in range(4):
        post({"username": "demo-beat", "password": "x"})
    locked = post({"username": "demo-beat", "password": "jingmin-demo"})
    assert locked.status_code == 429
    assert locked.json()["detail"]
    user = get_user_model().objects.get(username="demo-chief")
    user.is_active = False
    user.save()
    assert post({"username": "demo-chief", "password": "jingmin-demo"}).status_code == 403


def test_disabled_user_token_stops_working(client, w):
    user = w.inside["beat_officer"]
    _, raw = ApiToken.issue(user)
    user.is_active = False
    user.save()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_security_headers(client, w):
    response = client.get("/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Request-ID"]


def test_argon2_is_the_first_hasher(settings):
    hashers = [h for h in settings.PASSWORD_HASHERS if "MD5" not in h]
    assert hashers[0].endswith("Argon2PasswordHasher")


def test_pages_in_both_languages(client, w):
    client.force_login(w.inside["station_chief"])
    zh = client.get("/org/units/").content.decode()
    assert "單位" in zh and "登出" in zh
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    en = client.get("/org/units/").content.decode()
    assert "Units" in en and "Sign out" in en
    assert client.get("/org/units/", HTTP_ACCEPT_LANGUAGE="en").status_code == 200


def test_translated_404(client, w):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "找不到" in response.content.decode()
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.json()["detail"]
