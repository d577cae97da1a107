"""Near-repeat alerts are acknowledged by the beat's officers (page button and API): scoped, audited, once;
an acknowledged alert leaves the home-page box but stays listed (marked) on the alerts page and API."""

import pytest

from jingmin.analytics.importer import import_incidents
from jingmin.analytics.models import NearRepeatAlert
from jingmin.analytics.tests.helpers import csv_text, row
from jingmin.analytics.tests.test_near_repeat_alerts import flagged_test
from jingmin.audit.models import AuditEvent
from jingmin.org import roles


@pytest.fixture
def alert(w):
    flagged_test(w)
    import_incidents(csv_text([row("ACK-1", w.beat, "burglary", days_ago=0.5)]))
    return NearRepeatAlert.objects.get(incident__external_id="ACK-1", unit=w.beat)


def test_beat_officer_acknowledges_from_the_home_page(client, w, alert):
    client.force_login(w.inside[roles.BEAT_OFFICER])
    home = client.get("/").content.decode()
    assert "near-repeat-alerts" in home and f"/analytics/alerts/{alert.pk}/ack/" in home
    before = AuditEvent.objects.count()
    response = client.post(f"/analytics/alerts/{alert.pk}/ack/", {"next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None and alert.acknowledged_by == w.inside[roles.BEAT_OFFICER]
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.last()
    assert (event.action, event.object_id) == ("analytics.acknowledge_alert", str(alert.pk))
    # gone from the home-page box, still on the alerts page, marked
    others = NearRepeatAlert.objects.visible_to(w.inside[roles.BEAT_OFFICER]).exclude(pk=alert.pk)
    if not others.exists():
        assert "near-repeat-alerts" not in client.get("/").content.decode()
    page = client.get("/analytics/alerts/").content.decode()
    assert "acknowledged" in page and f"/analytics/alerts/{alert.pk}/ack/" not in page
    # a second acknowledgement is refused and changes nothing
    client.post(f"/analytics/alerts/{alert.pk}/ack/", {"next": "https://evil.example/"})
    assert AuditEvent.objects.count() == before + 1


def test_api_acknowledges_once(client, w, alert):
    client.force_login(w.inside[roles.BEAT_OFFICER])
    url = f"/api/v1/analytics/near-repeat/alerts/{alert.pk}/ack"
    response = client.post(url)
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == alert.pk and body["acknowledged_by"] == w.inside[roles.BEAT_OFFICER].username
    listed = {a["id"]: a for a in client.get("/api/v1/analytics/near-repeat/alerts").json()}
    assert listed[alert.pk]["acknowledged_at"] is not None
    again = client.post(url)
    assert again.status_code == 422 and [e["field"] for e in again.json()["errors"]] == ["alert"]


def test_redirect_target_must_be_local(client, w, alert):
    client.force_login(w.inside[roles.BEAT_OFFICER])
    response = client.post(f"/analytics/alerts/{alert.pk}/ack/", {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/analytics/alerts/"


# the administrator is a superuser (may do anything)
@pytest.mark.parametrize("role", sorted(set(roles.ROLES) - {roles.BEAT_OFFICER, roles.ADMINISTRATOR}))
def test_other_roles_may_not_acknowledge(client, w, alert, role):
    client.force_login(w.inside[role])
    before = AuditEvent.objects.count()
    assert client.post(f"/api/v1/analytics/near-repeat/alerts/{alert.pk}/ack").status_code == 403
    assert client.post(f"/analytics/alerts/{alert.pk}/ack/").status_code == 403
    alert.refresh_from_db()
    assert alert.acknowledged_at is None and AuditEvent.objects.count() == before


def test_out_of_scope_or_missing_is_404(client, w, alert):
    client.force_login(w.outside[roles.BEAT_OFFICER])
    assert client.post(f"/api/v1/analytics/near-repeat/alerts/{alert.pk}/ack").status_code == 404
    assert client.post(f"/analytics/alerts/{alert.pk}/ack/").status_code == 404
    client.force_login(w.inside[roles.BEAT_OFFICER])
    assert client.post("/api/v1/analytics/near-repeat/alerts/999999999/ack").status_code == 404
    assert client.post("/api/v1/analytics/near-repeat/alerts/x/ack").status_code in (404, 422)
    assert client.get(f"/analytics/alerts/{alert.pk}/ack/").status_code == 405
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
