"""grid_kde against the exact kernel sum, mass conservation, edge cases and bad input."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jingmin.analytics.engine.errors import EngineError
from jingmin.analytics.engine.grid import Grid
from jingmin.analytics.engine.kde import grid_kde, kde_exact

TRUNC_FLOOR = 2e-8  # exp(-6**2 / 2) = 1.5e-8: what truncation at 6 sd may drop, per unit kernel peak


@st.composite
def kde_case(draw, *, margin_sd=0.0, min_ratio=0.05):
    cell = draw(st.floats(1.0, 500.0))
    ny = draw(st.integers(1, 16))
    nx = draw(st.integers(1, 16))
    bw = cell * math.exp(draw(st.floats(math.log(min_ratio), math.log(10.0))))
    x0 = draw(st.floats(-1e6, 1e6))
    y0 = draw(st.floats(-1e6, 1e6))
    n = draw(st.integers(1, 12))
    m = margin_sd * bw
    fx = st.floats(0.0, 1.0)
    pts = [
        (x0 - m + draw(fx) * (nx * cell + 2 * m), y0 - m + draw(fx) * (ny * cell + 2 * m)) for _ in range(n)
    ]
    if draw(st.booleans()):
        pts = [pts[0]] * n  # identical points
    xy = np.asarray(pts, dtype=float)
    w = None
    if draw(st.booleans()):
        w = np.asarray(draw(st.lists(st.floats(0.0, 10.0), min_size=n, max_size=n)), dtype=float)
    return {"xy": xy, "origin": (x0, y0), "cell": cell, "shape": (ny, nx), "bandwidth": bw, "weights": w}


def _unit_peak(case):
    w = case["weights"]
    total = len(case["xy"]) if w is None else float(w.sum())
    return total / (2 * math.pi * case["bandwidth"] ** 2)


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(kde_case())
def test_auto_matches_exact_sum_within_one_percent_of_peak(case):
    exact = kde_exact(**case)
    got = grid_kde(**case)
    assert got.shape == exact.shape and np.isfinite(got).all() and (got >= 0).all()
    err = np.abs(got - exact).max()
    assert err <= 0.01 * exact.max() + TRUNC_FLOOR * _unit_peak(case)


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(kde_case(min_ratio=0.125))
def test_fft_path_matches_exact_sum_within_one_percent_of_peak(case):
    exact = kde_exact(**case)
    got = grid_kde(**case, method="fft")
    assert np.abs(got - exact).max() <= 0.01 * exact.max() + TRUNC_FLOOR * _unit_peak(case)


@settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(kde_case(margin_sd=3.0))
def test_points_outside_the_grid_still_contribute(case):
    exact = kde_exact(**case)
    # exact (to truncation) on the direct path, whatever the geometry
    direct = grid_kde(**case, method="direct")
    assert np.abs(direct - exact).max() <= 1e-9 * exact.max() + TRUNC_FLOOR * _unit_peak(case)
    # the binned path errs by under half a percent of the points' own kernel peak
    if case["bandwidth"] >= case["cell"] / 8:
        fft = grid_kde(**case, method="fft")
        assert np.abs(fft - exact).max() <= 0.005 * _unit_peak(case)


def test_point_outside_grid_reaches_edge_cells():
    xy = np.array([[-150.0, 250.0]])  # 150 m west of the grid, 1.5 bandwidths
    kw = {"origin": (0, 0), "cell": 50, "shape": (10, 10), "bandwidth": 100}
    got = grid_kde(xy, **kw)
    exact = kde_exact(xy, **kw)
    assert got[:, 0].max() > 0
    assert np.abs(got - exact).max() <= 0.01 * exact.max()


def test_mass_is_conserved_on_a_large_grid():
    rng = np.random.default_rng(1)
    xy = rng.normal([5000, 5000], 600, size=(5000, 2))
    w = rng.uniform(0.5, 2.0, size=5000)
    d = grid_kde(xy, origin=(0, 0), cell=50, shape=(200, 200), bandwidth=150, weights=w)
    assert d.sum() * 50 * 50 == pytest.approx(w.sum(), rel=1e-3)


@pytest.mark.parametrize("method", ["auto", "fft", "direct"])
def test_single_point_and_identical_points(method):
    kw = {"origin": (0, 0), "cell": 100, "shape": (7, 9), "bandwidth": 120, "method": method}
    one = grid_kde([[450.0, 350.0]], **kw)
    same = grid_kde(np.tile([[450.0, 350.0]], (1000, 1)), **kw)
    assert np.isfinite(one).all() and np.isfinite(same).all()
    assert np.unravel_index(one.argmax(), one.shape) == (3, 4)
    np.testing.assert_allclose(same, 1000 * one, rtol=1e-9, atol=1e-15)
    peak = 1 / (2 * math.pi * 120**2)
    assert one.max() == pytest.approx(peak, rel=0.005)


def test_orientation_rows_are_y_columns_are_x():
    d = grid_kde([[25.0, 475.0]], origin=(0, 0), cell=50, shape=(10, 20), bandwidth=30)
    assert np.unravel_index(d.argmax(), d.shape) == (9, 0)


def test_zero_weights_give_zeros():
    d = grid_kde([[1.0, 1.0], [2.0, 2.0]], origin=(0, 0), cell=1, shape=(3, 3), bandwidth=1, weights=[0, 0])
    assert (d == 0).all()


def test_far_away_points_give_zeros_not_nan():
    d = grid_kde([[1e6, 1e6]], origin=(0, 0), cell=10, shape=(5, 5), bandwidth=10)
    assert (d == 0).all()


def test_grid_object_helpers():
    g = Grid((100.0, 200.0), 50.0, (2, 3))
    cx, cy = g.centres()
    np.testing.assert_allclose(cx, [125, 175, 225])
    np.testing.assert_allclose(cy, [225, 275])
    c = g.counts([[101, 201], [249, 299], [99, 201], [260, 260]])
    assert c.tolist() == [[1, 0, 0], [0, 0, 1]]


GOOD = {"origin": (0, 0), "cell": 10, "shape": (5, 5), "bandwidth": 10}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"xy": np.zeros((0, 2))}, "empty"),
        ({"xy": [[np.nan, 1.0]]}, "NaN"),
        ({"xy": [[np.inf, 1.0]]}, "NaN or infinite"),
        ({"xy": [[1.0, 2.0, 3.0]]}, "(n, 2)"),
        ({"bandwidth": 0}, "bandwidth"),
        ({"bandwidth": -5}, "bandwidth"),
        ({"bandwidth": float("nan")}, "bandwidth"),
        ({"cell": 0}, "cell size"),
        ({"cell": -1}, "cell size"),
        ({"shape": (0, 5)}, "shape"),
        ({"shape": (2.5, 5)}, "shape"),
        ({"shape": (10_000, 10_000)}, "more than the limit"),
        ({"weights": [1.0, 2.0]}, "weights has 2 values"),
        ({"weights": [-1.0]}, "negative"),
        ({"weights": [np.nan]}, "finite"),
        ({"origin": (0, np.nan)}, "origin"),
        ({"method": "magic"}, "method"),
        ({"truncate": 1}, "truncate"),
    ],
)
def test_bad_input_raises_engine_error(change, message):
    kw = {"xy": [[1.0, 1.0]], **GOOD, **change}
    with pytest.raises(EngineError, match=message.replace("(", r"\(").replace(")", r"\)")):
        grid_kde(**kw)


def test_engine_error_is_a_value_error():
    with pytest.raises(ValueError):
        grid_kde([[0.0, 0.0]], origin=(0, 0), cell=1, shape=(1, 1), bandwidth=0)


def test_max_cells_is_configurable():
    with pytest.raises(EngineError, match="limit of 10"):
        grid_kde([[0.0, 0.0]], origin=(0, 0), cell=1, shape=(4, 4), bandwidth=1, max_cells=10)
