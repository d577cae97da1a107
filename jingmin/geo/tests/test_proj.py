import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from jingmin.geo.geojson import simplify, tolerance_for_zoom
from jingmin.geo.proj import to_twd97, to_wgs84


def test_known_point_tainan_station():
    # Tainan railway station, checked against the TWD97 grid (≈ 169,xxx E, 2,543,xxx N)
    x, y = to_twd97(120.2130, 22.9971)
    assert 169_000 < float(x) < 170_500
    assert 2_543_000 < float(y) < 2_545_000


@given(st.floats(119.9, 120.8), st.floats(22.8, 23.5))
def test_roundtrip(lon, lat):
    x, y = to_twd97(lon, lat)
    lon2, lat2 = to_wgs84(x, y)
    assert abs(float(lon2) - lon) < 1e-7 and abs(float(lat2) - lat) < 1e-7


def test_distance_in_metres():
    x, y = to_twd97([120.2, 120.2], [23.0, 23.01])
    assert abs(np.hypot(x[1] - x[0], y[1] - y[0]) - 1107) < 5  # 0.01° of latitude ≈ 1.1 km


def test_simplify_reduces_vertices_by_zoom():
    ring = [[120 + 0.001 * np.cos(t), 23 + 0.001 * np.sin(t)] for t in np.linspace(0, 2 * np.pi, 500)]
    ring[-1] = ring[0]
    geom = {"type": "Polygon", "coordinates": [ring]}
    coarse = simplify(geom, 8)
    fine = simplify(geom, 18)
    assert len(coarse["coordinates"][0]) < len(fine["coordinates"][0]) <= 500
    assert simplify(geom, None) is geom
    assert tolerance_for_zoom(0) > tolerance_for_zoom(10) > 0
