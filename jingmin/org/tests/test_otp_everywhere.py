"""A session that gave only its password reaches nothing the second factor protects.

The URLs are generated from the URL configuration and the OpenAPI document, so a new page or API
operation is covered without editing this file.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from jingmin.api import api
from jingmin.audit.models import AuditEvent

# paths a signed-in, not yet verified user must still reach (to sign out, switch language, enter the code)
OPEN_PAGES = ("/login/", "/logout/", "/i18n/", "/healthz", "/account/otp/", "/static/", "/hooks/line/")
OPEN_OPERATIONS = {("post", "/api/v1/auth/token")}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _fill(route):
    route = route.lstrip("^").rstrip("$")
    route = re.sub(r"<(?:int:)?[^>]*(?:pk|id)>", "1", route)
    route = re.sub(r"<int:[^>]+>", "1", route)
    route = re.sub(r"<[^>]+>", "x", route)
    return "/" + route.replace("\\", "")


def page_urls():
    urls = set()
    for route in _walk(get_resolver().url_patterns):
        if route.startswith("api/v1/") or "(?P" in route:
            continue
        url = _fill(route)
        if not url.startswith(OPEN_PAGES):
            urls.add(url)
    return sorted(urls)


def api_operations():
    schema = api.get_openapi_schema()
    ops = []
    for path, methods in schema["paths"].items():
        for method in methods:
            if (method, path) in OPEN_OPERATIONS:
                continue
            ops.append((method, re.sub(r"\{[^}]+\}", "1", path)))
    return sorted(ops)


@pytest.fixture
def password_only(client, settings, w):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()
    settings.OTP_REQUIRED = True
    response = client.post("/login/", {"username": "demo-admin", "password": "jingmin-demo"})
    assert response.status_code == 302
    return client


def test_the_lists_are_generated_and_large():
    assert len(page_urls()) > 60
    assert len(api_operations()) > 60
    assert "/admin/" in page_urls()
    assert ("get", "/api/v1/persons") in api_operations()


def test_every_page_asks_for_the_code(password_only):
    for url in page_urls():
        response = password_only.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/account/otp/"), (url, response.url)


def test_every_api_operation_refuses_the_session(password_only):
    for method, path in api_operations():
        response = getattr(password_only, method)(
            path, content_type="application/json", data={} if method != "get" else None
        )
        assert response.status_code == 401, (method, path, response.status_code)
        assert "驗證" in response.json()["detail"] or "code" in response.json()["detail"], path


def test_refused_api_sessions_are_audited(password_only):
    before = AuditEvent.objects.filter(action="auth.otp_missing").count()
    assert password_only.get("/api/v1/persons").status_code == 401
    event = AuditEvent.objects.filter(action="auth.otp_missing").latest("id")
    assert AuditEvent.objects.filter(action="auth.otp_missing").count() == before + 1
    assert event.actor_name == "demo-admin" and event.extra["path"] == "/api/v1/persons"


def test_map_layers_refuse_the_session(password_only):
    for path in ("/api/v1/places.geojson", "/api/v1/persons.geojson"):
        response = password_only.get(path, {"bbox": "120.1,22.9,120.3,23.1", "zoom": 14})
        assert response.status_code == 401, path


def test_after_the_code_the_api_answers(password_only, w):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jingmin.org.tests.test_otp import code

    device = TOTPDevice.objects.create(user=w.inside["administrator"], name="app", confirmed=True)
    assert password_only.post("/account/otp/verify/", {"token": code(device)}).status_code == 302
    assert password_only.get("/api/v1/persons").status_code == 200
    assert password_only.get("/admin/").status_code == 200


def test_a_bearer_token_still_works_with_an_unverified_session_cookie(password_only, w):
    from jingmin.org.models import ApiToken

    _row, raw = ApiToken.issue(w.inside["administrator"])
    response = password_only.get("/api/v1/persons", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
