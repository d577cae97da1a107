"""Hotspot layers are scoped: roles with analytics.view get their units' layers; other units answer 404."""

import pytest

from jingmin.analytics.importer import import_incidents
from jingmin.analytics.tests.helpers import csv_text, row
from jingmin.org import roles

VIEWERS = roles.CAPABILITIES["analytics.view"]
URL = "/api/v1/analytics/hotspots.geojson?categories=robbery&unit="


@pytest.fixture
def robberies(w):
    rows = [row(f"H-{k}", w.beat, "robbery", days_ago=k + 1, dlat=k * 1e-4) for k in range(6)]
    rows += [row(f"H-X{k}", w.other_beat, "robbery", days_ago=k + 1, dlat=k * 1e-4) for k in range(6)]
    import_incidents(csv_text(rows))
    return w


@pytest.mark.parametrize("role", roles.ROLES)
def test_inside(client, robberies, role):
    w = robberies
    user = w.inside[role]
    client.force_login(user)
    own = user.officer.unit
    response = client.get(URL + own.code)
    if role not in VIEWERS and not user.is_superuser:
        assert response.status_code == 403
        assert client.get("/analytics/hotspots/").status_code == 403
        return
    assert response.status_code == 200
    data = response.json()
    # only incidents inside the unit's subtree are counted
    expected = 12 if own.kind == "bureau" else 6
    demo = data["meta"]["incidents"] - expected
    assert demo >= 0
    assert client.get("/analytics/hotspots/").status_code == 200
    assert client.get(f"/api/v1/analytics/hotspots.csv?unit={own.code}").status_code == 200


@pytest.mark.parametrize("role", sorted(VIEWERS))
def test_outside_gets_404_for_the_demo_precinct(client, robberies, role):
    w = robberies
    client.force_login(w.outside[role])
    for unit in (w.precinct, w.station, w.beat):
        assert client.get(URL + unit.code).status_code == 404
        assert client.get(f"/api/v1/analytics/forecast.geojson?unit={unit.code}").status_code == 404
        assert client.get(f"/analytics/hotspots/?unit={unit.code}").status_code == 200  # form error, no layer
    own = client.get(URL + w.outside[role].officer.unit.code).json()
    assert own["meta"]["incidents"] >= 6


def test_station_chief_cannot_see_sibling_station(client, robberies):
    w = robberies
    client.force_login(w.inside[roles.STATION_CHIEF])
    assert client.get(URL + w.sibling_station.code).status_code == 404
    assert client.get(URL + w.precinct.code).status_code == 404
    assert client.get(URL + w.beat2.code).status_code == 200
