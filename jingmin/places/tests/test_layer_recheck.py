"""The layer's token check may be reused by a process for JINGMIN_LAYER_RECHECK_SECONDS: within it no
query is made; after it (or after a token/user write in this process) a revoked token is refused; an
expired token is refused at once whatever the setting."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jingmin.geo import layerauth
from jingmin.org import roles
from jingmin.org.models import ApiToken

pytestmark = pytest.mark.django_db

URL = "/api/v1/places.geojson?bbox=120.15,22.95,120.27,23.07&zoom=13"


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(layerauth.time, "monotonic", lambda: now[0])
    layerauth._checks.clear()
    yield now
    layerauth._checks.clear()


def get(client, raw):
    return client.get(URL, HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_check_reused_within_the_window_then_repeated(w, client, settings, clock):
    settings.JINGMIN_LAYER_RECHECK_SECONDS = 0.5
    token, raw = ApiToken.issue(w.inside[roles.BUREAU_ANALYST])
    assert get(client, raw).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert get(client, raw).status_code == 200
    assert not any("org_apitoken" in q["sql"] for q in queries.captured_queries)
    # revoked by another process (no signal here): refused once the window has passed
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    clock[0] += 0.6
    assert get(client, raw).status_code == 401


def test_token_write_in_this_process_forgets_the_check(w, client, settings, clock):
    settings.JINGMIN_LAYER_RECHECK_SECONDS = 60
    token, raw = ApiToken.issue(w.inside[roles.BUREAU_ANALYST])
    assert get(client, raw).status_code == 200
    token.revoked_at = timezone.now()
    token.save()
    assert get(client, raw).status_code == 401


def test_expiry_is_checked_against_the_clock(w, client, settings, clock):
    settings.JINGMIN_LAYER_RECHECK_SECONDS = 60
    token, raw = ApiToken.issue(w.inside[roles.BUREAU_ANALYST])
    assert get(client, raw).status_code == 200
    soon = timezone.now() + dt.timedelta(milliseconds=300)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=soon)
    layerauth._checks.clear()
    assert get(client, raw).status_code == 200  # checked again: expires in 300 ms
    import time

    time.sleep(0.35)
    assert get(client, raw).status_code == 401


def test_default_is_strict_in_tests(settings):
    assert layerauth.recheck_seconds() == 0.0
