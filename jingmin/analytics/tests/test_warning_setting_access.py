"""Who may switch a station's community warnings (page and API): station chief, precinct officer and
administrator inside their jurisdiction; everyone else is refused; out of scope answers 404; reading
the settings follows the alerts' scope."""

import pytest

from jingmin.analytics.models import NearRepeatWarningSetting
from jingmin.audit.models import AuditEvent
from jingmin.org import roles

MANAGERS = roles.CAPABILITIES["analytics.manage_warnings"]
API = "/api/v1/analytics/near-repeat/warning-settings"


def put(client, code, body):
    return client.put(f"{API}/{code}", data=body, content_type="application/json")


@pytest.mark.parametrize("role", roles.ROLES)
def test_switch_inside_and_outside(w, client, role):
    for user, station, inside in ((w.inside[role], w.station, True), (w.outside[role], w.station, False)):
        client.force_login(user)
        before = AuditEvent.objects.count()
        response = put(client, station.code, {"enabled": True})
        page = client.post(f"/analytics/alerts/warnings/{station.code}/", {"enabled": "on"})
        if role not in MANAGERS:
            assert response.status_code == 403 and page.status_code == 403, role
        elif not inside:
            assert response.status_code == 404 and page.status_code == 404, role
        else:
            assert response.status_code == 200, (role, response.content)
            assert response.json()["enabled"] is True
            assert page.status_code == 302
        if role in MANAGERS and inside:
            assert AuditEvent.objects.count() == before + 2  # one event per change
            assert NearRepeatWarningSetting.objects.get(unit=station).updated_by == user
        else:
            assert AuditEvent.objects.count() == before
            if role not in MANAGERS:
                assert not NearRepeatWarningSetting.objects.filter(unit=station, enabled=True).exists()


def test_chief_only_own_station_precinct_its_stations(w, client):
    client.force_login(w.inside[roles.STATION_CHIEF])
    assert put(client, w.sibling_station.code, {"enabled": True}).status_code == 404
    assert put(client, w.beat.code, {"enabled": True}).status_code == 404  # not a station
    client.force_login(w.inside[roles.PRECINCT_OFFICER])
    assert put(client, w.sibling_station.code, {"enabled": True}).status_code == 200
    assert put(client, w.other_station.code, {"enabled": True}).status_code == 404


def test_reading_the_settings_is_scoped(w, client):
    client.force_login(w.inside[roles.STATION_CHIEF])
    assert put(client, w.station.code, {"enabled": True, "tags": ["village-chiefs"]}).status_code == 200
    for role in roles.ROLES:
        for user, inside in ((w.inside[role], True), (w.outside[role], False)):
            client.force_login(user)
            listing = client.get(API)
            one = client.get(f"{API}/{w.station.code}")
            if role not in roles.CAPABILITIES["analytics.view_alerts"] and not user.is_superuser:
                assert listing.status_code == 403 and one.status_code == 403
                continue
            codes = {s["station"] for s in listing.json()}
            assert (w.station.code in codes) == inside, role
            if inside:
                assert one.json() == {**one.json(), "enabled": True, "tags": ["village-chiefs"]}
            else:
                assert one.status_code == 404
    # the page lists the station and offers "Change" only to those who may
    client.force_login(w.inside[roles.BEAT_OFFICER])
    html = client.get("/analytics/alerts/warnings/").content.decode()
    assert f'id="warning-setting-{w.station.code}"' in html
    assert f"/analytics/alerts/warnings/{w.station.code}/" not in html
    client.force_login(w.inside[roles.STATION_CHIEF])
    assert (
        f"/analytics/alerts/warnings/{w.station.code}/"
        in client.get("/analytics/alerts/warnings/").content.decode()
    )
    assert client.get(f"/analytics/alerts/warnings/{w.station.code}/").status_code == 200


def test_nobody_without_a_unit(w, client):
    client.force_login(w.nounit)
    assert client.get(API).status_code == 200 and client.get(API).json() == []
    assert put(client, w.station.code, {"enabled": True}).status_code == 403
