"""Hotspot bad input: clear messages, never a crash, a NaN surface or an unexplained empty map."""

import math

import pytest

from jingmin.analytics.importer import import_incidents
from jingmin.analytics.tests.helpers import csv_text, row
from jingmin.org import roles


@pytest.fixture
def analyst(client, w):
    client.force_login(w.inside[roles.BUREAU_ANALYST])
    return client


def layer(client, query):
    return client.get("/api/v1/analytics/hotspots.geojson?" + query)


def test_no_incidents_in_the_selection(analyst, w):
    response = layer(analyst, f"unit={w.beat.code}&categories=other&start=1995-01-01&end=1995-02-01")
    assert response.status_code == 200
    data = response.json()
    assert data["features"] == [] and data["meta"]["incidents"] == 0
    assert "No incidents" in data["message"] or "沒有" in data["message"]


def test_single_point(analyst, w):
    import_incidents(csv_text([row("ONE-1", w.beat, "other")]))
    data = layer(analyst, f"unit={w.beat.code}&categories=other").json()
    assert data["meta"]["incidents"] == 1
    assert data["features"], "the kernel of the one incident is drawn"
    assert data["message"]
    assert not any(f["properties"]["hot"] for f in data["features"])
    assert all(math.isfinite(f["properties"]["density"]) for f in data["features"])


def test_identical_points(analyst, w):
    import_incidents(csv_text([row(f"SAME-{k}", w.beat, "other") for k in range(5)]))
    data = layer(analyst, f"unit={w.beat.code}&categories=other").json()
    assert data["meta"]["incidents"] == 5 and data["message"]


def test_clustered_points_give_outlined_hot_cells(analyst, w):
    rows = [row(f"CL-{k}", w.beat, "other", dlat=(k % 3) * 2e-4, dlon=(k // 3) * 2e-4) for k in range(30)]
    import_incidents(csv_text(rows))
    data = layer(analyst, f"unit={w.precinct.code}&categories=other&cell=100&bandwidth=150").json()
    assert data["meta"]["hot_cells"] > 0
    assert data["hot"]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    shares = [f["properties"]["share"] for f in data["features"]]
    assert max(shares) == 1.0
    assert all(f["properties"]["share"] >= 0.05 or f["properties"]["hot"] for f in data["features"])
    assert len(data["legend"]) == 5


@pytest.mark.parametrize(
    "query,field",
    [
        ("cell=10", "cell"),  # the whole city on a 10 m grid: over the memory budget
        ("cell=abc", "cell"),
        ("cell=0", "cell"),
        ("bandwidth=0", "bandwidth"),
        ("bandwidth=-5", "bandwidth"),
        ("bandwidth=1e-56", "bandwidth"),
        ("bandwidth=9.99", "bandwidth"),
        ("start=2026-05-01&end=2026-04-01", "end"),
        ("start=tomorrow", "start"),
        ("categories=burglary,nope", "categories"),
    ],
)
def test_bad_parameters(analyst, w, query, field):
    response = layer(analyst, f"unit={w.bureau.code}&{query}")
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["errors"][0]["field"] == field
    assert body["errors"][0]["message"]


def test_page_shows_form_errors_instead_of_a_map(analyst, w):
    response = analyst.get(f"/analytics/hotspots/?unit={w.bureau.code}&cell=10")
    assert response.status_code == 200
    assert response.context["form"].errors["cell"]
    assert response.context["config"]["layerUrl"] is None
