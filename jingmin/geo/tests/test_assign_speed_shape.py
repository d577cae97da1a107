"""The assignment path is vectorised (the speed figure lives in bench/geo_assign.py)."""

import numpy as np

from jingmin.geo.assign import village_index


def test_vectorised_assignment_handles_many_points(w):
    index = village_index()
    rng = np.random.default_rng(1)
    lon = rng.uniform(120.0, 120.7, 50_000)
    lat = rng.uniform(22.88, 23.42, 50_000)
    out = index.assign(lon, lat)
    assert out.shape == (50_000,)
    assert out.dtype == np.int64
    assert set(np.unique(out)) <= set(range(-1, len(index.codes)))
