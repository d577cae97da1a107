"""Forecast methods: no look-ahead, SEPP EM recovers known parameters, interface and bad input."""

import math

import numpy as np
import pytest

from jingmin.analytics.engine.errors import EngineError
from jingmin.analytics.engine.forecast import (
    FORECASTERS,
    SEPP,
    Blend,
    KDEDecay,
    NaiveCounts,
    _running_logsumexp,
    fit_sepp,
    make_forecaster,
    simulate_sepp,
)
from jingmin.analytics.engine.grid import Grid

GRID = Grid((0.0, 0.0), 100.0, (20, 30))


def _events(seed=0, n=400, days=200.0):
    rng = np.random.default_rng(seed)
    hot = np.array([[500.0, 700.0], [2200.0, 1500.0]])
    xy = np.vstack(
        [hot[rng.integers(0, 2, n // 2)] + rng.normal(0, 120, (n // 2, 2)), rng.uniform(0, 3000, (n // 2, 2))]
    )
    xy[:, 1] = np.clip(xy[:, 1], 0, 1999)
    t = 17_000.0 + np.sort(rng.uniform(0, days, n))
    return t, xy


@pytest.mark.parametrize("name", list(FORECASTERS))
def test_no_look_ahead(name):
    t, xy = _events()
    start = t[300]
    base = make_forecaster(name, observed_from=t.min()).fit_predict(t, xy, GRID, start)
    # plant incidents at and after the origin in an otherwise quiet corner; nothing may change
    planted_t = np.r_[t, start, start + 0.5, start + 30]
    planted_xy = np.vstack([xy, [[2950.0, 1950.0]] * 3])
    again = make_forecaster(name, observed_from=t.min()).fit_predict(planted_t, planted_xy, GRID, start)
    np.testing.assert_array_equal(base, again)
    assert base.shape == GRID.shape and np.isfinite(base).all() and (base >= 0).all()
    assert base.sum() > 0
    # and the forecast does use the past: removing it changes the surface
    later = make_forecaster(name, observed_from=t.min()).fit_predict(t, xy, GRID, t[350])
    assert not np.array_equal(base, later)


def test_datetime64_times_are_accepted():
    t, xy = _events()
    t64 = (t * 86_400e9).astype("int64").astype("datetime64[ns]")
    start64 = np.datetime64(int(t[300] * 86_400e9), "ns")
    a = NaiveCounts().fit_predict(t64, xy, GRID, start64)
    b = NaiveCounts().fit_predict(t, xy, GRID, t[300])
    np.testing.assert_array_equal(a, b)


def test_naive_counts_the_window():
    t = np.array([0.0, 5.0, 9.0, 9.5, 10.0])
    xy = np.array([[50.0, 50.0], [50.0, 50.0], [150.0, 50.0], [50.0, 150.0], [50.0, 50.0]])
    r = NaiveCounts(window_days=6).fit_predict(t, xy, GRID, 10.0)
    assert r[0, 0] == 1 and r[0, 1] == 1 and r[1, 0] == 1 and r.sum() == 3


def test_kde_decay_weights_recent_events_more():
    t = np.array([0.0, 99.0])
    xy = np.array([[550.0, 550.0], [2550.0, 1550.0]])
    r = KDEDecay(bandwidth=100, time_scale_days=10).fit_predict(t, xy, GRID, 100.0)
    assert r[15, 25] > 1000 * r[5, 5] > 0


def test_running_logsumexp_matches_brute_force():
    rng = np.random.default_rng(2)
    group = np.sort(rng.integers(0, 6, 60))
    u = rng.normal(0, 30, 60)
    u[5] = -np.inf
    got = _running_logsumexp(u, group)
    for a in range(60):
        prev = [u[b] for b in range(a) if group[b] == group[a] and np.isfinite(u[b])]
        want = np.log(np.sum(np.exp(prev))) if prev else -np.inf
        if np.isinf(want):
            assert np.isneginf(got[a])
        else:
            assert got[a] == pytest.approx(want, abs=1e-9)


def _brute_loglik(t, cells, T, mu, theta, omega):
    ll = 0.0
    for k in range(len(t)):
        earlier = (cells == cells[k]) & (t < t[k])
        lam = mu[cells[k]] + theta * omega * np.exp(-omega * (t[k] - t[earlier])).sum()
        ll += math.log(lam)
    return ll - mu.sum() * T - theta * (1 - np.exp(-omega * (T - t))).sum()


def test_sepp_loglik_matches_brute_force_and_ties_do_not_self_excite():
    rng = np.random.default_rng(3)
    t = np.round(rng.uniform(0, 50, 80), 1)  # rounding makes same-time events
    cells = rng.integers(0, 5, 80)
    fit = fit_sepp(t, cells, 50.0, n_cells=5, max_iter=1)
    # after one iteration, loglik is reported for the initial parameters
    mu0 = 0.5 * np.bincount(cells, minlength=5) / 50.0
    assert fit["loglik"] == pytest.approx(_brute_loglik(t, cells, 50.0, mu0, 0.2, 0.2), rel=1e-9)
    full = fit_sepp(t, cells, 50.0, n_cells=5)
    assert full["loglik"] >= fit["loglik"] - 1e-9  # EM does not decrease the likelihood


def test_sepp_em_recovers_simulated_parameters():
    rng = np.random.default_rng(11)
    n_cells, T = 400, 1000.0
    mu = rng.uniform(0.005, 0.05, n_cells)
    theta, omega = 0.4, 0.5
    t, cells = simulate_sepp(mu, theta, omega, T, rng)
    assert 15_000 < len(t) < 22_000
    fit = fit_sepp(t, cells, T, n_cells=n_cells)
    assert fit["converged"]
    assert fit["theta"] == pytest.approx(theta, abs=0.04)
    assert fit["omega"] == pytest.approx(omega, rel=0.15)
    assert fit["mu"].sum() == pytest.approx(mu.sum(), rel=0.05)
    assert np.corrcoef(fit["mu"], mu)[0, 1] > 0.85


def test_sepp_forecast_raises_cells_with_recent_events():
    # two cells with the same history length; one had a burst yesterday
    t = np.r_[np.linspace(0, 300, 30), np.linspace(0, 300, 30)[:-3], [298.5, 299.0, 299.5]]
    xy = np.r_[np.tile([[50.0, 50.0]], (30, 1)), np.tile([[250.0, 50.0]], (30, 1))]
    f = SEPP(horizon_days=1)
    r = f.fit_predict(t, xy, GRID, 300.0)
    assert r[0, 2] > r[0, 0] > 0
    assert set(f.params_) >= {"theta", "omega", "mu", "iterations"}


def test_blend_is_a_normalised_mixture():
    t, xy = _events()
    start = t[300]
    a = NaiveCounts().fit_predict(t, xy, GRID, start)
    b = KDEDecay().fit_predict(t, xy, GRID, start)
    mix = Blend([NaiveCounts(), KDEDecay()], [3, 1]).fit_predict(t, xy, GRID, start)
    np.testing.assert_allclose(mix, 0.75 * a / a.sum() + 0.25 * b / b.sum())


def test_no_past_events_gives_zeros():
    for name in FORECASTERS:
        r = make_forecaster(name).fit_predict([10.0], [[50.0, 50.0]], GRID, 5.0)
        assert (r == 0).all(), name


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: make_forecaster("oracle"), "unknown forecast method"),
        (lambda: NaiveCounts(window_days=0), "window_days"),
        (lambda: KDEDecay(bandwidth=-1), "bandwidth"),
        (lambda: SEPP(horizon_days=float("nan")), "horizon_days"),
        (lambda: Blend([], None), "non-empty"),
        (lambda: Blend([NaiveCounts()], [-1]), "weights"),
        (lambda: NaiveCounts().fit_predict([1.0, 2.0], [[0.0, 0.0]], GRID, 3.0), "events_t has 2"),
        (lambda: NaiveCounts().fit_predict([1.0], [[0.0, np.nan]], GRID, 3.0), "NaN"),
        (lambda: NaiveCounts().fit_predict([np.nan], [[0.0, 0.0]], GRID, 3.0), "NaN"),
        (lambda: NaiveCounts().fit_predict([1.0], [[0.0, 0.0]], "grid", 3.0), "Grid"),
        (lambda: NaiveCounts().fit_predict([1.0], [[0.0, 0.0]], GRID, [3.0, 4.0]), "single time"),
        (lambda: fit_sepp([5.0], [0], 4.0), r"\[0, T\)"),
        (lambda: simulate_sepp([0.1], 1.2, 1.0, 10.0, np.random.default_rng(0)), "theta"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(EngineError, match=message):
        call()
