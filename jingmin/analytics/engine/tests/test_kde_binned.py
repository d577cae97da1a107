"""The binned ("fft") path of grid_kde: its error bound, strips, stencils, edges and weights."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jingmin.analytics.engine import kde
from jingmin.analytics.engine.grid import Grid
from jingmin.analytics.engine.kde import TOL, grid_kde, kde_exact

TRUNC_FLOOR = 2e-8  # what truncation at 6 sd may drop, per unit kernel peak


def _unit_peak(total_weight, bandwidth):
    return total_weight / (2 * math.pi * bandwidth**2)


@pytest.mark.parametrize("ratio", [0.3, 0.5, 0.8, 1.0, 1.46, 2.0, 2.7, 4.0, 7.3])
def test_error_bound_holds_for_a_point_anywhere_in_a_cell(ratio):
    # one point at many sub-cell offsets, including cell edges and corners: every result within TOL of
    # the kernel's peak (the bound of ``_binning``) against the exact sum
    cell, bw = 50.0, 50.0 * ratio
    kw = {"origin": (0.0, 0.0), "cell": cell, "shape": (9, 9), "bandwidth": bw}
    peak = _unit_peak(1.0, bw)
    worst = 0.0
    for fx in np.linspace(0.0, 1.0, 9):
        for fy in (0.0, 0.25, 0.5, 0.61, 1.0):
            xy = [[(4 + fx) * cell, (4 + fy) * cell]]
            got = grid_kde(xy, **kw, method="fft")
            worst = max(worst, np.abs(got - kde_exact(xy, **kw)).max() / peak)
    assert worst <= TOL


@pytest.mark.parametrize(("cell", "bw"), [(50.0, 73.0), (50.0, 37.5), (30.0, 100.0), (7.0, 5.3)])
def test_bandwidth_not_a_multiple_of_the_cell(cell, bw):
    rng = np.random.default_rng(int(bw * 10))
    shape = (40, 50)
    xy = rng.uniform([-3 * bw, -3 * bw], [shape[1] * cell + 3 * bw, shape[0] * cell + 3 * bw], (3000, 2))
    kw = {"origin": (0.0, 0.0), "cell": cell, "shape": shape, "bandwidth": bw}
    exact = kde_exact(xy, **kw)
    for method in ("fft", "auto"):
        got = grid_kde(xy, **kw, method=method)
        assert np.abs(got - exact).max() <= TOL * exact.max()


def test_points_on_edges_corners_and_outside():
    cell, bw = 50.0, 50.0
    kw = {"origin": (1000.0, 2000.0), "cell": cell, "shape": (12, 15), "bandwidth": bw}
    x0, y0, x1, y1 = Grid(kw["origin"], cell, kw["shape"]).extent
    xy = np.array(
        [
            [x0, y0],  # corners
            [x1, y1],
            [x0, y1],
            [x1, y0],
            [x0, (y0 + y1) / 2],  # edges
            [(x0 + x1) / 2, y1],
            [x0 - 2 * bw, y0 + 100],  # outside, within reach
            [x1 + 5.9 * bw, y1 - 100],
            [x1 + 6.1 * bw, y0 + 100],  # outside, out of reach: contributes nothing
            [x0 + 0.5 * cell, y0 + 0.5 * cell],  # a centre
        ]
    )
    exact = kde_exact(xy, **kw)
    got = grid_kde(xy, **kw, method="fft")
    direct = grid_kde(xy, **kw, method="direct")
    assert np.abs(got - exact).max() <= TOL * _unit_peak(len(xy), bw)
    assert np.abs(direct - exact).max() <= 1e-9 * exact.max() + TRUNC_FLOOR * _unit_peak(len(xy), bw)
    # a point just outside the far edge still reaches the last column and row
    one = grid_kde([[x1 + bw, y1 + bw]], **kw, method="fft")
    assert one[-1, -1] > 0 and one[0, 0] == 0


def test_weights_are_linear_and_equal_to_duplicates():
    rng = np.random.default_rng(5)
    kw = {"origin": (0.0, 0.0), "cell": 50.0, "shape": (30, 30), "bandwidth": 50.0, "method": "fft"}
    xy = rng.uniform(0, 1500, (40, 2))
    w = rng.uniform(0.1, 3.0, 40)
    whole = grid_kde(xy, weights=w, **kw)
    parts = sum(grid_kde(xy[i : i + 1], weights=w[i : i + 1], **kw) for i in range(len(xy)))
    # linear up to the clipping of the tails' tiny negative values (each part clips its own)
    np.testing.assert_allclose(whole, parts, rtol=1e-9, atol=1e-9 * whole.max())
    doubled = grid_kde(np.vstack([xy, xy[:5]]), **kw)
    w2 = np.ones(40)
    w2[:5] = 2.0
    np.testing.assert_allclose(doubled, grid_kde(xy, weights=w2, **kw), rtol=1e-9, atol=1e-12 * doubled.max())
    exact = kde_exact(xy, weights=w, **{k: v for k, v in kw.items() if k != "method"})
    assert np.abs(whole - exact).max() <= TOL * _unit_peak(w.sum(), 50.0)


@pytest.mark.parametrize("bw", [50.0, 100.0, 200.0])
def test_strips_give_the_same_result_as_one_strip(monkeypatch, bw):
    rng = np.random.default_rng(2)
    kw = {"origin": (0.0, 0.0), "cell": 50.0, "shape": (90, 40), "bandwidth": bw, "method": "fft"}
    xy = rng.normal([1000, 2250], [600, 1500], (2000, 2))
    w = rng.uniform(0, 2, 2000)
    one = grid_kde(xy, weights=w, **kw)
    monkeypatch.setattr(kde, "_STRIP_NODES", 20_000)  # a few output rows per strip
    monkeypatch.setattr(kde, "_BIN_ENTRIES", 5_000)  # and several bincount chunks per strip
    many = grid_kde(xy, weights=w, **kw)
    np.testing.assert_allclose(many, one, rtol=1e-9, atol=1e-12 * one.max())
    exact = kde_exact(xy, weights=w, **{k: v for k, v in kw.items() if k != "method"})
    assert np.abs(many - exact).max() <= TOL * exact.max()


def test_more_fine_rows_than_a_16_bit_sort_key():
    # 70,000 rows refined twice: the fine row index exceeds 65,535, so points are sorted without the radix key
    rng = np.random.default_rng(3)
    kw = {"origin": (0.0, 0.0), "cell": 1.0, "shape": (70_000, 2), "bandwidth": 2.0}
    xy = np.column_stack([rng.uniform(0, 2, 300), rng.uniform(0, 70_000, 300)])
    assert kde._plan(Grid(kw["origin"], 1.0, kw["shape"]), 300, 2.0, 12.0)["s"] == 2
    got = grid_kde(xy, **kw, method="fft")
    exact = kde_exact(xy, **kw)
    assert np.abs(got - exact).max() <= TOL * _unit_peak(1.0, 2.0)


def test_plan_uses_the_binned_path_for_many_points_and_a_kernel_of_a_cell_or_more():
    g = Grid((0.0, 0.0), 50.0, (1800, 1700))
    for bw, p, s in [(400.0, 4, 1), (200.0, 4, 1), (100.0, 4, 2), (50.0, 4, 3)]:
        plan = kde._plan(g, 1_000_000, bw, 6 * bw)
        assert (plan["best"], plan["p"], plan["s"]) == ("fft", p, s)
    assert kde._plan(g, 1_000_000, 25.0, 150.0)["best"] == "direct"
    assert kde._plan(g, 10, 50.0, 300.0)["best"] == "direct"  # a few points: no grid to build


def test_lagrange_weights_sum_to_one_and_reproduce_cubics():
    t = np.linspace(0, 1, 11, endpoint=False)
    for p in (4, 6):
        wts = kde._lagrange_weights(t, p)
        nodes = np.arange(1 - p // 2, p // 2 + 1)
        np.testing.assert_allclose(wts.sum(axis=0), 1.0, atol=1e-13)
        for deg in range(p):
            np.testing.assert_allclose((wts * nodes[:, None] ** deg).sum(axis=0), t**deg, atol=1e-12)


@settings(max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ratio=st.floats(0.25, 10.0),
    cell=st.floats(1.0, 500.0),
    shape=st.tuples(st.integers(1, 12), st.integers(1, 12)),
    offsets=st.lists(st.tuples(st.floats(-0.5, 1.5), st.floats(-0.5, 1.5)), min_size=1, max_size=8),
    weights=st.one_of(st.none(), st.lists(st.floats(0.0, 5.0), min_size=8, max_size=8)),
)
def test_binned_path_within_its_bound_of_the_points_peak(ratio, cell, shape, offsets, weights):
    # points anywhere from half a grid outside to half a grid beyond, any bandwidth from a quarter cell
    bw = ratio * cell
    ny, nx = shape
    xy = np.array([(fx * nx * cell, fy * ny * cell) for fx, fy in offsets])
    w = None if weights is None else np.asarray(weights[: len(xy)])
    total = len(xy) if w is None else float(w.sum())
    kw = {"origin": (0.0, 0.0), "cell": cell, "shape": shape, "bandwidth": bw, "weights": w}
    got = grid_kde(xy, **kw, method="fft")
    exact = kde_exact(xy, **kw)
    assert (got >= 0).all()
    assert np.abs(got - exact).max() <= TOL * _unit_peak(total, bw) + TRUNC_FLOOR * _unit_peak(total, bw)


@pytest.mark.parametrize("p", [4, 6])
@pytest.mark.parametrize("r", [0.25, 1 / 3, 0.4, 0.5])
def test_corrected_stencil_meets_half_the_plain_lagrange_bound(p, r):
    # 1-D: binned-then-convolved kernel against the exact kernel, for points anywhere between two nodes
    t = np.linspace(0, 1, 201)[:-1]
    wts = kde._lagrange_weights(t, p)
    nodes = np.arange(1 - p // 2, p // 2 + 1)
    centres = np.arange(-40, 41)
    half = kde._kernel_half(40 + p, r, p)
    est = sum(wts[i][None, :] * half[np.abs(centres[:, None] - nodes[i])] for i in range(p))
    exact = np.exp(-0.5 * ((centres[:, None] - t[None, :]) * r) ** 2)
    assert np.abs(est - exact).max() <= kde._ORDERS[p] * r**p
    assert half.sum() * 2 - half[0] == pytest.approx(
        np.exp(-0.5 * (np.arange(-44, 45) * r) ** 2).sum(), rel=1e-12
    )


def test_mass_is_conserved_with_a_six_point_stencil(monkeypatch):
    rng = np.random.default_rng(9)
    xy = rng.normal([2500, 2500], 400, size=(4000, 2))
    w = rng.uniform(0.5, 2.0, size=4000)
    monkeypatch.setattr(kde, "_ORDERS", {6: kde._ORDERS[6]})
    d = grid_kde(xy, origin=(0, 0), cell=50, shape=(100, 100), bandwidth=50, weights=w, method="fft")
    assert d.sum() * 50 * 50 == pytest.approx(w.sum(), rel=1e-6)
