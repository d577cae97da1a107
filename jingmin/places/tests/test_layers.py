"""E-map layers: bbox and zoom, grid aggregation above the point limit, filters, bad parameters."""

from jingmin.geo import layers
from jingmin.places.models import Place


def test_points_then_grid_when_the_viewport_is_crowded(client, w, monkeypatch):
    client.force_login(w.inside["bureau_analyst"])
    total = Place.objects.filter(active=True).count()
    city = client.get("/api/v1/places.geojson?zoom=11").json()
    assert city["aggregated"] is False and city["total"] == total == len(city["features"])
    monkeypatch.setattr(layers, "MAX_POINTS", 50)
    city = client.get("/api/v1/places.geojson?zoom=11").json()
    assert city["aggregated"] is True
    assert sum(f["properties"]["count"] for f in city["features"]) == total
    assert len(city["features"]) < total
    finer = client.get("/api/v1/places.geojson?zoom=14").json()
    assert len(finer["features"]) >= len(city["features"])
    persons = client.get("/api/v1/persons.geojson?zoom=11").json()
    assert persons["aggregated"] is True and all("name" not in f["properties"] for f in persons["features"])


def test_bbox_and_filters(client, w):
    client.force_login(w.inside["bureau_analyst"])
    all_high = client.get("/api/v1/places.geojson?risk=3").json()
    assert all(f["properties"]["risk"] == 3 for f in all_high["features"])
    box = client.get("/api/v1/places.geojson?bbox=120.19,22.98,120.22,23.01&zoom=15").json()
    # the served area is the viewport grown to whole zoom-15 tiles (a superset), and says so
    x0, y0, x1, y1 = box["bbox"]
    assert x0 <= 120.19 and y0 <= 22.98 and x1 >= 120.22 and y1 >= 23.01
    assert x1 - x0 < 0.03 + 2 * 360 / 2**15
    for f in box["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert x0 <= lon <= x1 and y0 <= lat <= y1
    never = client.get("/api/v1/places.geojson?not_visited_days=30").json()
    assert all(
        f["properties"]["days_since_visit"] is None or f["properties"]["days_since_visit"] >= 30
        for f in never["features"]
    )


def test_bad_parameters(client, w):
    client.force_login(w.inside["bureau_analyst"])
    for query, field in [
        ("bbox=1,2,3", "bbox"),
        ("bbox=3,2,1,4", "bbox"),
        ("zoom=99", "zoom"),
        ("risk=7", "risk"),
    ]:
        r = client.get(f"/api/v1/places.geojson?{query}", HTTP_ACCEPT_LANGUAGE="en")
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field
    r = client.get("/api/v1/places.geojson?zoom=99")
    assert r.json()["errors"][0]["message"] == "zoom 必須是 0 到 20 的整數。"
