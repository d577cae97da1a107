"""Benchmark: jingmin gi_star against esda.G_Local(star=True, transform='B') on the same grid and weights.

    python bench/gi_star.py

For each case the incident-count grid comes from clustered random points. esda gets libpysal weights
(lat2W for queen/rook contiguity, DistanceBand on the cell centres for a distance band); its time is
reported without and with building the weights object, with ``permutations=0`` (the analytical z only,
as gi_star computes). The z-scores must agree to 1e-6.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jingmin.analytics.engine.gistar import gi_star  # noqa: E402


def counts_grid(rng, ny, nx):
    n = ny * nx * 2
    centres = rng.uniform(0, 1, (25, 2)) * [nx, ny]
    pts = centres[rng.integers(0, 25, n // 2)] + rng.normal(0, 3, (n // 2, 2))
    pts = np.vstack([pts, rng.uniform(0, 1, (n - n // 2, 2)) * [nx, ny]])
    keep = (pts[:, 0] >= 0) & (pts[:, 0] < nx) & (pts[:, 1] >= 0) & (pts[:, 1] < ny)
    pts = pts[keep].astype(int)
    return np.bincount(pts[:, 1] * nx + pts[:, 0], minlength=ny * nx).reshape(ny, nx).astype(float)


def best_of(fn, k=3):
    best, out = np.inf, None
    for _ in range(k):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def run_case(label, y, build_w, ours_kwargs):
    from esda.getisord import G_Local

    t_w, w = best_of(build_w, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_esda, g = best_of(lambda: G_Local(y.ravel(), w, star=True, transform="B", permutations=0), 1)
    t_ours, r = best_of(lambda: gi_star(y, **ours_kwargs), 5)
    ok = ~np.isnan(g.Zs)
    dz = float(np.abs(g.Zs[ok] - r.z.ravel()[ok]).max())
    print(
        f"{label:<44} max|dz| {dz:.1e} ({'equal' if dz <= 1e-6 else 'DIFFERENT'} to 1e-6); "
        f"jingmin {t_ours * 1000:8.2f} ms; esda {t_esda:7.3f} s (+{t_w:6.2f} s weights) -> "
        f"{t_esda / t_ours:6.0f}x ({(t_esda + t_w) / t_ours:6.0f}x with weights); "
        f"hot cells {int(r.hot.sum())}"
    )
    return dz


def main() -> int:
    from libpysal.weights import DistanceBand, lat2W

    rng = np.random.default_rng(0)
    worst = 0.0
    for ny, nx in [(100, 100), (200, 200), (400, 400)]:
        y = counts_grid(rng, ny, nx)
        worst = max(
            worst, run_case(f"{ny}x{nx} queen", y, lambda ny=ny, nx=nx: lat2W(ny, nx, rook=False), {})
        )
    y = counts_grid(rng, 200, 200)
    worst = max(
        worst, run_case("200x200 rook", y, lambda: lat2W(200, 200, rook=True), {"contiguity": "rook"})
    )
    ny, nx = 150, 150
    y = counts_grid(rng, ny, nx)
    ii, jj = np.mgrid[0:ny, 0:nx]
    centres = np.column_stack([(jj.ravel() + 0.5) * 250.0, (ii.ravel() + 0.5) * 250.0])
    for r in (3, 8):
        worst = max(
            worst,
            run_case(
                f"{ny}x{nx} distance band {r} cells ({r * 250} m)",
                y,
                lambda r=r: DistanceBand(centres, threshold=r * 250.0, binary=True, silence_warnings=True),
                {"radius_cells": r},
            ),
        )
    print(f"largest z difference over all cases: {worst:.1e}")
    return 0 if worst <= 1e-6 else 1


if __name__ == "__main__":
    sys.exit(main())
