"""Benchmark: jingmin grid_kde against scipy.stats.gaussian_kde, sklearn KernelDensity and the exact sum.

    python bench/kde.py            # both scenarios (peers on every cell: about 2 minutes)
    python bench/kde.py --quick    # peers timed on 1/10 of the cells and scaled up (labelled)

Scenario 1: 100,000 points on a 200 x 200 grid (100 m cells, bandwidth 300 m). Every method computes the
same isotropic Gaussian density at the 40,000 cell centres; the exact sum is computed in chunks
(``kde_exact``, dense BLAS) and each result's max/mean error is reported relative to the exact peak.

Scenario 2: 1,000,000 points over Tainan's extent in EPSG:3826 (x 150-235 km, y 2520-2610 km) on a 50 m grid
(1,800 x 1,700 = 3.06 M cells), bandwidths 400, 200, 100, 50 and 25 m. Wall time (first call and best of 3)
and peak memory: tracemalloc's peak of traced allocations during the call, and the process's peak RSS
(measured in a fresh subprocess per bandwidth, so earlier scenarios do not inflate it). Accuracy is checked
against the exact sum of all 1 M points on a 100 x 100-cell window around the densest cell.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jingmin.analytics.engine.grid import Grid  # noqa: E402
from jingmin.analytics.engine.kde import _plan, grid_kde, kde_exact  # noqa: E402


def clustered_points(rng, n, lo, hi, n_clusters, spread):
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    centres = rng.uniform(lo, hi, size=(n_clusters, 2))
    n_bg = n // 5
    pts = centres[rng.integers(0, n_clusters, n - n_bg)] + rng.normal(0, spread, (n - n_bg, 2))
    bg = rng.uniform(lo, hi, size=(n_bg, 2))
    return np.vstack([pts, bg])


def _errors(got, exact):
    peak = exact.max()
    d = np.abs(got - exact)
    return d.max() / peak, d.mean() / peak


def scenario_1(quick: bool) -> dict:
    from scipy.stats import gaussian_kde
    from sklearn.neighbors import KernelDensity

    rng = np.random.default_rng(42)
    n, cell, shape, sigma = 100_000, 100.0, (200, 200), 300.0
    xy = clustered_points(rng, n, (0, 0), (20_000, 20_000), 60, 700)
    kw = {"origin": (0.0, 0.0), "cell": cell, "shape": shape, "bandwidth": sigma}

    grid_kde(xy[:100], **kw)  # import/FFT warm-up
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        ours = grid_kde(xy, **kw)
        times.append(time.perf_counter() - t0)
    t_ours = min(times)

    t0 = time.perf_counter()
    exact = kde_exact(xy, **kw)
    t_exact = time.perf_counter() - t0

    cx = (np.arange(shape[1]) + 0.5) * cell
    cy = (np.arange(shape[0]) + 0.5) * cell
    gx, gy = np.meshgrid(cx, cy)
    centres = np.column_stack([gx.ravel(), gy.ravel()])
    sub = slice(None) if not quick else slice(0, len(centres) // 10)
    scale = 1.0 if not quick else len(centres) / len(centres[sub])

    # scipy: force the isotropic covariance sigma^2 I (gaussian_kde normally scales the data covariance)
    kde = gaussian_kde(xy.T)
    kde._data_covariance = np.eye(2) * sigma**2
    kde._data_cho_cov = np.eye(2) * sigma
    kde.set_bandwidth(1.0)
    t0 = time.perf_counter()
    sp = kde(centres[sub].T) * n
    t_scipy = (time.perf_counter() - t0) * scale

    peers = {"scipy.stats.gaussian_kde": (t_scipy, sp)}
    for rtol in (0.0, 1e-2):
        kd = KernelDensity(bandwidth=sigma, kernel="gaussian", rtol=rtol).fit(xy)
        t0 = time.perf_counter()
        sk = np.exp(kd.score_samples(centres[sub])) * n
        peers[f"sklearn KernelDensity(rtol={rtol:g})"] = ((time.perf_counter() - t0) * scale, sk)

    out = {
        "points": n,
        "grid": f"{shape[0]}x{shape[1]} cells of {cell:g} m",
        "bandwidth_m": sigma,
        "jingmin_seconds": t_ours,
        "exact_sum_seconds": t_exact,
        "jingmin_error_vs_exact": dict(zip(("max", "mean"), _errors(ours, exact), strict=True)),
        "peers": {},
        "peer_timing": "every cell" if not quick else "1/10 of the cells, scaled x10",
    }
    ex_sub = exact.ravel()[sub]
    for name, (t, vals) in peers.items():
        d = np.abs(vals - ex_sub)
        out["peers"][name] = {
            "seconds": t,
            "max_error": float(d.max() / exact.max()),
            "mean_error": float(d.mean() / exact.max()),
            "speedup_of_jingmin": t / t_ours,
        }
    fastest = min(out["peers"], key=lambda k: out["peers"][k]["seconds"])
    out["fastest_peer"] = fastest
    out["speedup_vs_fastest_peer"] = out["peers"][fastest]["seconds"] / t_ours
    return out


def tainan_points(n=1_000_000, seed=7):
    rng = np.random.default_rng(seed)
    return clustered_points(rng, n, (150_000, 2_520_000), (235_000, 2_610_000), 400, 900)


TAINAN = {"origin": (150_000.0, 2_520_000.0), "cell": 50.0, "shape": (1800, 1700)}


def scenario_2_child(sigma: float) -> dict:
    """Runs in a fresh process: timings and memory for one bandwidth."""
    xy = tainan_points()
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kw = {**TAINAN, "bandwidth": sigma}
    tracemalloc.start()
    t0 = time.perf_counter()
    d = grid_kde(xy, **kw)
    first = time.perf_counter() - t0
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    del d
    best = min(_timed(lambda: grid_kde(xy, **kw)) for _ in range(3))
    d = grid_kde(xy, **kw)
    # accuracy on a 100 x 100 window around the densest cell, against the exact sum over all points
    i, j = np.unravel_index(d.argmax(), d.shape)
    i0 = int(np.clip(i - 50, 0, d.shape[0] - 100))
    j0 = int(np.clip(j - 50, 0, d.shape[1] - 100))
    x0, y0 = TAINAN["origin"]
    c = TAINAN["cell"]
    exact = kde_exact(xy, origin=(x0 + j0 * c, y0 + i0 * c), cell=c, shape=(100, 100), bandwidth=sigma)
    emax, emean = _errors(d[i0 : i0 + 100, j0 : j0 + 100], exact)
    plan = _plan(Grid(**TAINAN), len(xy), sigma, 6.0 * sigma)
    path = f"binned p={plan['p']} s={plan['s']}" if plan["best"] == "fft" else "direct"
    return {
        "bandwidth_m": sigma,
        "path": path,
        "load_average": os.getloadavg()[0],
        "first_call_seconds": first,
        "best_of_3_seconds": best,
        "tracemalloc_peak_mb": traced_peak / 1e6,
        "peak_rss_mb": rss_peak / 1024,
        "rss_before_call_mb": base_rss / 1024,
        "mass_ratio": float(d.sum() * c * c / len(xy)),
        "window_error_vs_exact": {"max": emax, "mean": emean},
    }


def _timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="time the peers on 1/10 of the cells")
    p.add_argument("--child", type=float, help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true", help="print JSON")
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(scenario_2_child(args.child)))
        return 0

    s1 = scenario_1(args.quick)
    print("== Scenario 1: 100,000 points, 200 x 200 grid (100 m cells), bandwidth 300 m ==")
    print(f"jingmin grid_kde        {s1['jingmin_seconds'] * 1000:9.1f} ms (best of 5)")
    e = s1["jingmin_error_vs_exact"]
    print(f"  error vs exact sum    max {e['max'] * 100:.4f} % of peak, mean {e['mean'] * 100:.5f} % of peak")
    print(f"exact sum (BLAS, chunked) {s1['exact_sum_seconds']:7.2f} s")
    for name, r in s1["peers"].items():
        print(
            f"{name:<36} {r['seconds']:8.2f} s  (jingmin {r['speedup_of_jingmin']:7.0f}x faster; "
            f"its max error {r['max_error'] * 100:.4f} % of peak)"
        )
    print(f"peer timing: {s1['peer_timing']}")
    print(f"speed-up vs the fastest peer ({s1['fastest_peer']}): {s1['speedup_vs_fastest_peer']:.0f}x")

    print()
    print("== Scenario 2: 1,000,000 points, Tainan extent, 50 m grid (1800 x 1700 = 3.06 M cells) ==")
    s2 = []
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    for sigma in (400.0, 200.0, 100.0, 50.0, 25.0):
        res = subprocess.run(
            [sys.executable, __file__, "--child", str(sigma)],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ},
        )
        r = json.loads(res.stdout.strip().splitlines()[-1])
        s2.append(r)
        w = r["window_error_vs_exact"]
        print(
            f"bandwidth {sigma:5.0f} m ({r['path']}, load {r['load_average']:.1f}): first call {r['first_call_seconds']:.2f} s, best of 3 "
            f"{r['best_of_3_seconds']:.2f} s; tracemalloc peak {r['tracemalloc_peak_mb']:.0f} MB, process peak RSS "
            f"{r['peak_rss_mb']:.0f} MB ({r['rss_before_call_mb']:.0f} MB before the call); "
            f"window error max {w['max'] * 100:.3f} % / mean {w['mean'] * 100:.4f} % of peak; "
            f"mass ratio {r['mass_ratio']:.4f}"
        )
    if args.json:
        print(json.dumps({"scenario_1": s1, "scenario_2": s2}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
