"""Gi* against esda.G_Local(star=True, transform='B') with libpysal weights."""

import warnings

import numpy as np
import pytest

from jingmin.analytics.engine.errors import EngineError
from jingmin.analytics.engine.gistar import benjamini_hochberg, footprint, gi_star

esda_getisord = pytest.importorskip("esda.getisord")
weights = pytest.importorskip("libpysal.weights")


def _esda_z(y, w):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return esda_getisord.G_Local(y.ravel(), w, star=True, transform="B", permutations=0).Zs


def _grid_values(seed, ny, nx):
    rng = np.random.default_rng(seed)
    y = rng.poisson(1.5, (ny, nx)).astype(float)
    y[ny // 3 : ny // 3 + 3, nx // 2 : nx // 2 + 3] += 8  # a hot block
    return y


@pytest.mark.parametrize("rook", [False, True])
@pytest.mark.parametrize(("ny", "nx"), [(12, 17), (3, 3), (1, 9)])
def test_contiguity_matches_esda(rook, ny, nx):
    y = _grid_values(1, ny, nx)
    expected = _esda_z(y, weights.lat2W(ny, nx, rook=rook))
    got = gi_star(y, contiguity="rook" if rook else "queen")
    # esda divides by zero (NaN) where a cell neighbours every cell; we return z = 0 there
    undefined = np.isnan(expected)
    np.testing.assert_allclose(got.z.ravel()[~undefined], expected[~undefined], rtol=0, atol=1e-6)
    assert (got.z.ravel()[undefined] == 0).all()


@pytest.mark.parametrize("radius", [1, 1.5, 2, 3.2, 6])
def test_distance_band_matches_esda(radius):
    ny, nx, cell = 14, 11, 250.0
    y = _grid_values(2, ny, nx)
    ii, jj = np.mgrid[0:ny, 0:nx]
    pts = np.column_stack([(jj.ravel() + 0.5) * cell, (ii.ravel() + 0.5) * cell])
    w = weights.DistanceBand(pts, threshold=radius * cell, binary=True, silence_warnings=True)
    got = gi_star(y, radius_cells=radius)
    np.testing.assert_allclose(got.z.ravel(), _esda_z(y, w), rtol=0, atol=1e-6)


def test_large_radius_uses_fft_and_still_matches():
    ny, nx = 30, 30
    y = _grid_values(3, ny, nx)
    ii, jj = np.mgrid[0:ny, 0:nx]
    pts = np.column_stack([jj.ravel() * 1.0, ii.ravel() * 1.0])
    assert footprint(radius_cells=8).size > 121
    w = weights.DistanceBand(pts, threshold=8, binary=True, silence_warnings=True)
    np.testing.assert_allclose(gi_star(y, radius_cells=8).z.ravel(), _esda_z(y, w), atol=1e-6)


def test_mask_equals_esda_on_the_masked_cells():
    ny, nx = 10, 10
    y = _grid_values(4, ny, nx)
    mask = np.ones((ny, nx), bool)
    mask[:, :3] = False
    mask[7:, 5:] = False
    ids = np.flatnonzero(mask.ravel())
    full = weights.lat2W(ny, nx, rook=False)
    neigh = {k: [j for j in full.neighbors[k] if mask.ravel()[j]] for k in ids}
    w = weights.W(neigh, silence_warnings=True)
    got = gi_star(y, mask=mask)
    np.testing.assert_allclose(got.z.ravel()[ids], _esda_z(y.ravel()[ids], w), atol=1e-6)
    assert (got.z[~mask] == 0).all() and (got.p[~mask] == 1).all()
    assert got.n == mask.sum()


def test_p_values_and_hot_cells():
    y = _grid_values(5, 20, 20)
    r = gi_star(y)
    z = r.z
    from scipy.stats import norm

    np.testing.assert_allclose(r.p, 2 * norm.sf(np.abs(z)), rtol=1e-12)
    np.testing.assert_array_equal(r.hot, (z > 0) & (r.p <= 0.05))
    np.testing.assert_array_equal(r.cold, (z < 0) & (r.p <= 0.05))
    assert r.hot[6:9, 10:13].all()
    fdr = gi_star(y, fdr=True)
    assert fdr.hot.sum() <= r.hot.sum()
    assert fdr.hot[7, 11]


def test_benjamini_hochberg():
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    # classic example: with alpha 0.05 the first two are discoveries
    assert benjamini_hochberg(p, 0.05).tolist() == [True, True] + [False] * 8
    assert benjamini_hochberg([], 0.05).size == 0


def test_constant_grid_gives_zeros_with_a_note():
    r = gi_star(np.full((5, 6), 3.0))
    assert (r.z == 0).all() and (r.p == 1).all() and not r.hot.any()
    assert "same value" in r.note
    r0 = gi_star(np.zeros((4, 4)), radius_cells=2)
    assert np.isfinite(r0.z).all() and "same value" in r0.note


def test_neighbourhood_covering_everything_gives_zero_not_nan():
    r = gi_star(np.arange(4.0).reshape(2, 2))  # queen: every cell neighbours every cell
    assert np.isfinite(r.z).all() and (r.z == 0).all() and r.note


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": [1.0, 2.0, 3.0]}, "2-D"),
        ({"values": [[1.0, np.nan]]}, "finite"),
        ({"values": [[1.0, 2.0]], "contiguity": "bishop"}, "contiguity"),
        ({"values": [[1.0, 2.0]], "radius_cells": -1}, "radius_cells"),
        ({"values": [[1.0, 2.0]], "mask": [[True]]}, "mask"),
        ({"values": [[1.0, 2.0]], "mask": [[True, False]]}, "at least 2"),
        ({"values": [[1.0, 2.0]], "alpha": 1.5}, "alpha"),
    ],
)
def test_bad_input(kwargs, message):
    with pytest.raises(EngineError, match=message):
        gi_star(**kwargs)
