"""Knox test: counts against brute force, clustered vs random data, near-repeat flags, bad input."""

import tracemalloc

import numpy as np
import pytest

from jingmin.analytics.engine.errors import EngineError
from jingmin.analytics.engine.knox import KnoxResult, flag_events, knox, near_repeat_flags

S_BANDS = [0, 100, 200, 400]
T_BANDS = [0, 7, 14, 28]


def _random_events(rng, n=600):
    return rng.uniform(0, 365, n), rng.uniform(0, 5000, (n, 2))


def _clustered_events(rng, n_parents=300):
    t, xy = _random_events(rng, n_parents)
    k = rng.integers(1, 4, n_parents)  # 1-3 near repeats per parent, within ~50 m and ~3 days
    ct = np.repeat(t, k) + rng.exponential(3.0, k.sum())
    cxy = np.repeat(xy, k, axis=0) + rng.normal(0, 35, (k.sum(), 2))
    return np.r_[t, ct], np.vstack([xy, cxy])


def _brute_counts(t, xy, s_edges, t_edges):
    out = np.zeros((len(s_edges) - 1, len(t_edges) - 1), int)
    for a in range(len(t)):
        for b in range(a + 1, len(t)):
            d = np.hypot(*(xy[a] - xy[b]))
            dt = abs(t[a] - t[b])
            s = np.searchsorted(s_edges, d, side="right") - 1
            k = np.searchsorted(t_edges, dt, side="right") - 1
            if 0 <= s < len(s_edges) - 1 and 0 <= k < len(t_edges) - 1:
                out[s, k] += 1
    return out


def test_observed_counts_match_brute_force():
    rng = np.random.default_rng(0)
    t, xy = _clustered_events(rng, 60)
    r = knox(t, xy, space_bands=S_BANDS, time_bands=T_BANDS, n_perm=9, rng=1)
    np.testing.assert_array_equal(r.observed, _brute_counts(t, xy, S_BANDS, T_BANDS))
    assert r.observed.shape == r.expected.shape == r.ratio.shape == r.p_value.shape == (3, 3)


def test_clustered_set_is_flagged():
    rng = np.random.default_rng(1)
    t, xy = _clustered_events(rng)
    r = knox(t, xy, space_bands=S_BANDS, time_bands=T_BANDS, n_perm=99, rng=2)
    assert r.ratio[0, 0] > 3
    assert r.p_value[0, 0] == pytest.approx(0.01)
    flags = near_repeat_flags(r)
    assert flags["distance_m"] >= 100 and flags["days"] >= 7
    assert any(b["distance_m"] == [0.0, 100.0] and b["days"] == [0.0, 7.0] for b in flags["bands"])


def test_near_repeat_window_grows_from_the_closest_band():
    edges_s, edges_t = np.array([0.0, 100, 200, 400]), np.array([0.0, 7, 14, 28])
    p = np.array([[0.01, 0.02, 0.5], [0.01, 0.5, 0.5], [0.5, 0.5, 0.01]])
    ratio = np.array([[3.0, 1.5, 1.0], [1.4, 1.0, 1.0], [1.0, 1.0, 2.0]])
    obs = np.ones((3, 3))
    r = KnoxResult(edges_s, edges_t, obs, obs, ratio, p, 99, 10)
    flags = near_repeat_flags(r)
    # (2, 2) is significant but not connected to the origin band, so the window is 200 m x 14 days
    assert flags["distance_m"] == 200 and flags["days"] == 14
    assert len(flags["bands"]) == 4
    p[0, 0] = 0.5
    assert near_repeat_flags(r)["distance_m"] is None
    assert near_repeat_flags(r, min_ratio=5)["bands"] == []


def test_random_set_is_not_flagged():
    rng = np.random.default_rng(3)
    t, xy = _random_events(rng, 1500)
    r = knox(t, xy, space_bands=S_BANDS, time_bands=T_BANDS, n_perm=99, rng=4)
    well_populated = r.expected > 30
    assert well_populated.sum() >= 4
    assert np.all(np.abs(r.ratio[well_populated] - 1) < 0.35)
    assert near_repeat_flags(r)["distance_m"] is None
    assert (r.p_value >= 0.01).all() and (r.p_value <= 1).all()


def test_reproducible_with_a_seed():
    rng = np.random.default_rng(5)
    t, xy = _clustered_events(rng, 50)
    a = knox(t, xy, space_bands=S_BANDS, time_bands=T_BANDS, n_perm=19, rng=7)
    b = knox(t, xy, space_bands=S_BANDS, time_bands=T_BANDS, n_perm=19, rng=7)
    np.testing.assert_array_equal(a.p_value, b.p_value)
    rows = a.table()
    assert len(rows) == 9 and set(rows[0]) == {
        "distance_m",
        "days",
        "observed",
        "expected",
        "ratio",
        "p_value",
    }


def test_twenty_thousand_events_fit_in_memory():
    rng = np.random.default_rng(6)
    t, xy = rng.uniform(0, 365, 20_000), rng.uniform(0, 10_000, (20_000, 2))
    tracemalloc.start()
    try:
        r = knox(t, xy, space_bands=[0, 100, 200, 400], time_bands=[0, 7, 14, 28], n_perm=9, rng=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert r.n_pairs > 500_000
    assert peak < 200e6


def test_pair_limit():
    xy = np.zeros((300, 2))
    with pytest.raises(EngineError, match="more than the limit"):
        knox(np.arange(300.0), xy, space_bands=[0, 10], time_bands=[0, 1], n_perm=1, max_pairs=1000)


def test_flag_events():
    t = np.array([0.0, 2.0, 3.0, 30.0, 31.0])
    xy = np.array([[0.0, 0.0], [50.0, 0.0], [500.0, 0.0], [0.0, 10.0], [1000.0, 0.0]])
    assert flag_events(t, xy, distance_m=100, days=7).tolist() == [False, True, False, False, False]
    assert flag_events(t, xy, distance_m=100, days=40).tolist() == [False, True, False, True, False]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"space_bands": [100]}, "at least two edges"),
        ({"space_bands": [0, 200, 100]}, "strictly increasing"),
        ({"time_bands": [0, -7]}, "non-negative"),
        ({"time_bands": [0, np.nan]}, "finite"),
        ({"n_perm": 0}, "n_perm"),
        ({"times": [1.0]}, "times has 1"),
        ({"times": [1.0], "xy": [[0.0, 0.0]]}, "at least two"),
        ({"xy": [[0.0, np.nan], [1.0, 1.0]]}, "NaN"),
    ],
)
def test_bad_input(kwargs, message):
    kw = {
        "times": [1.0, 2.0],
        "xy": [[0.0, 0.0], [1.0, 1.0]],
        "space_bands": [0, 10],
        "time_bands": [0, 5],
        **kwargs,
    }
    with pytest.raises(EngineError, match=message):
        knox(**kw)


def test_flag_bad_input():
    with pytest.raises(EngineError, match="positive"):
        flag_events([1.0, 2.0], [[0.0, 0.0], [1.0, 1.0]], distance_m=0, days=7)
