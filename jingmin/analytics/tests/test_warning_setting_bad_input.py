"""Bad input to the community-warning setting (API and form): field errors, translated, nothing written."""

import pytest
from django.utils import translation

from jingmin.analytics import actions
from jingmin.analytics.models import NearRepeatWarningSetting
from jingmin.audit.models import AuditEvent
from jingmin.org import roles

API = "/api/v1/analytics/near-repeat/warning-settings"


@pytest.mark.parametrize(
    "body,field",
    [
        ({"enabled": "maybe"}, "enabled"),
        ({}, "enabled"),
        ({"enabled": None}, "enabled"),
        ({"enabled": True, "tags": ["unicorns"]}, "tags"),
        ({"enabled": True, "tags": "village-chiefs"}, "tags"),
    ],
)
def test_api_refuses_bad_values(w, client, body, field):
    client.force_login(w.inside[roles.STATION_CHIEF])
    before = AuditEvent.objects.count()
    response = client.put(f"{API}/{w.station.code}", data=body, content_type="application/json")
    assert response.status_code == 422, response.content
    assert field in {e["field"] for e in response.json()["errors"]}
    assert AuditEvent.objects.count() == before
    assert not NearRepeatWarningSetting.objects.exists()


def test_api_refuses_a_body_that_is_not_json(w, client):
    client.force_login(w.inside[roles.STATION_CHIEF])
    response = client.put(f"{API}/{w.station.code}", data="enabled=1", content_type="application/json")
    assert response.status_code in (400, 422)
    assert not NearRepeatWarningSetting.objects.exists()


def test_form_refuses_an_unknown_tag(w, client):
    client.force_login(w.inside[roles.STATION_CHIEF])
    response = client.post(
        f"/analytics/alerts/warnings/{w.station.code}/", {"enabled": "on", "tags": ["nope"]}
    )
    assert response.status_code == 422
    assert "tags" in response.context["form"].errors
    assert not NearRepeatWarningSetting.objects.exists()


def test_errors_are_translated(w):
    with translation.override("zh-hant"):
        with pytest.raises(Exception) as info:
            actions.save_warning_setting(
                acting_user=w.inside[roles.STATION_CHIEF], station=w.station, enabled="x", tags=["nope"]
            )
    errors = info.value.message_dict
    assert set(errors) == {"enabled", "tags"}
    assert "標籤" in errors["tags"][0]


def test_switch_off_again(w, client):
    client.force_login(w.inside[roles.STATION_CHIEF])
    assert client.put(
        f"{API}/{w.station.code}", data={"enabled": True}, content_type="application/json"
    ).json()["enabled"]
    response = client.post(f"/analytics/alerts/warnings/{w.station.code}/", {})
    assert response.status_code == 302
    assert NearRepeatWarningSetting.objects.get(unit=w.station).enabled is False
