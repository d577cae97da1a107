"""Rolling-origin backtest of forecast methods, the incident CSV reader, and the ``evaluate`` command.

Backtest (:func:`evaluate`): for each of ``weeks`` origins ``start, start + 7 d, ...`` every method forecasts
from the events of ``category`` before the origin, and is scored on that category's incidents in
``[origin, origin + horizon_days)``:

* **study area**: the cells holding at least one incident of *any* category anywhere in the data (or the
  cells given by ``area_cells``); only these cells are ranked, and only test incidents inside them count;
* **hit rate at c %**: the share of test incidents that fall in the ``c %`` of study cells with the highest
  forecast risk. ``K = c / 100 * N`` cells are taken; cells with equal risk are taken together and, when
  a group of ties straddles ``K``, it counts in proportion (``hits += h_group * cells_needed / group_size``).
  This equals the expected hit rate under random tie-breaking, so an uninformative (flat) forecast scores
  exactly ``c %`` and methods are never rewarded for the order of cells in memory;
* **PAI** (predictive accuracy index, Chainey et al. 2008) = hit rate / (c / 100);
* rates are pooled over windows: total hits / total test incidents;
* ``best`` is the method with the highest mean hit rate over the coverages (first listed on a tie).

Command line (``main``)::

    python -m jingmin.analytics.engine.evaluate --incidents FILE.csv --category burglary --cell 250 \\
        --start 2017-06-05 --weeks 12 --horizon-days 7 --coverage 1,5,10,20 --method all --json \\
        [--area FILE.geojson] [--crs EPSG:3826] [--tz Asia/Taipei]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .errors import EngineError
from .forecast import FORECASTERS, Forecaster, make_forecaster
from .grid import (
    DEFAULT_MAX_CELLS,
    Grid,
    as_days,
    as_xy,
    day_to_iso,
    geojson_polygons,
    project,
)

REQUIRED_COLUMNS = ("id", "occurred_at", "lat", "lon", "category")
MAX_REPORTED_ROW_ERRORS = 50


# --------------------------------------------------------------------------------------- evaluation
def evaluate(
    times,
    xy,
    categories,
    *,
    category: str,
    cell: float,
    start,
    weeks: int,
    horizon_days: float,
    coverages: Sequence,
    methods: Sequence | str = "all",
    area_cells=None,
    grid: Grid | None = None,
    observed_from=None,
    max_cells: float = DEFAULT_MAX_CELLS,
) -> dict:
    """Rolling-origin backtest; returns ``{"study_cells", "methods": {name: {...}}, "best"}``.

    Parameters
    ----------
    times : event times (float days since 1970-01-01 UTC, or datetime64).
    xy : (n, 2) projected metres.
    categories : n category labels (compared case-insensitively, surrounding spaces ignored).
    category : the category to forecast.
    cell : cell size in metres.
    start : first forecast origin; origins are ``start + 7 * k`` days for ``k < weeks``.
    horizon_days : length of each test window.
    coverages : percentages of the study area, e.g. ``["1", "5", "10", "20"]``; the output keys are these
        values as strings (numbers are written with ``format(c, "g")``).
    methods : names from ``FORECASTERS``, ``Forecaster`` instances, or ``"all"``.
    area_cells : optional study area: a boolean (ny, nx) array for ``grid`` (or for the default grid,
        ``Grid.covering(xy, cell)``), or a function ``f(cx, cy) -> bool array`` of cell-centre coordinates.
    grid : optional grid (default: the smallest cell-aligned grid holding every event).
    observed_from : when observation began (default: the earliest event of any category); lets the SEPP
        know how long a quiet cell has been watched.
    """
    t = np.asarray(as_days(times, name="times"), dtype=float).reshape(-1)
    xy = as_xy(xy)
    cats = np.asarray([_norm_cat(c) for c in np.asarray(categories, dtype=object).reshape(-1)], dtype=object)
    if not (len(t) == len(xy) == len(cats)):
        raise EngineError(f"times ({len(t)}), xy ({len(xy)}) and categories ({len(cats)}) differ in length")
    want = _norm_cat(category)
    if not want:
        raise EngineError("category is empty")
    in_cat = cats == want
    if not in_cat.any():
        known = ", ".join(sorted({str(c) for c in cats})[:30])
        raise EngineError(f"no incidents of category {category!r} in the data (categories present: {known})")
    try:
        weeks = int(weeks)
    except (TypeError, ValueError):
        raise EngineError(f"weeks must be a whole number, got {weeks!r}")
    if weeks < 1:
        raise EngineError(f"weeks must be at least 1, got {weeks}")
    horizon = _pos(horizon_days, "horizon_days")
    cell = _pos(cell, "cell")
    start_d = float(np.asarray(as_days(start, name="start")).reshape(-1)[0])
    cov_keys, cov_fracs = _coverages(coverages)

    if grid is None:
        grid = Grid.covering(xy, cell, max_cells=max_cells)
    elif not isinstance(grid, Grid):
        raise EngineError("grid must be a Grid")
    area = _study_area(grid, xy, area_cells)
    n_area = int(area.sum())
    if n_area == 0:
        raise EngineError("the study area holds no grid cells")
    if observed_from is None:
        observed_from = float(t.min())
    forecasters = _forecasters(methods, horizon, observed_from)

    ci, cj, inside = grid.cell_index(xy)
    flat = np.where(inside, ci * grid.nx + cj, -1)
    in_area = np.zeros(len(t), dtype=bool)
    in_area[inside] = area.ravel()[flat[inside]]
    area_flat = np.flatnonzero(area.ravel())

    ev_t, ev_xy = t[in_cat], xy[in_cat]
    if not (ev_t < start_d).any():
        raise EngineError(
            f"no {category!r} incidents before the first origin {day_to_iso(start_d)}: nothing to learn from"
        )
    origins = start_d + 7.0 * np.arange(weeks)
    windows = []
    for o in origins:
        sel = in_cat & in_area & (t >= o) & (t < o + horizon)
        windows.append(np.bincount(flat[sel], minlength=grid.size)[area_flat].astype(float))
    total = float(sum(w.sum() for w in windows))
    if total == 0:
        raise EngineError(
            f"no {category!r} incidents in the study area between {day_to_iso(origins[0])} and "
            f"{day_to_iso(origins[-1] + horizon)}: nothing to evaluate (choose another start or more weeks)"
        )

    out_methods: dict[str, dict] = {}
    for fc in forecasters:
        hits = np.zeros(len(cov_fracs))
        seconds = []
        for o, counts in zip(origins, windows, strict=True):
            t0 = time.perf_counter()
            risk = fc.fit_predict(ev_t, ev_xy, grid, o)
            seconds.append(time.perf_counter() - t0)
            hits += hits_at_coverage(risk.ravel()[area_flat], counts, cov_fracs)
        hit_rate = hits / total
        out_methods[fc.name] = {
            "hit_rate": {k: float(h) for k, h in zip(cov_keys, hit_rate, strict=True)},
            "pai": {k: float(h / f) for k, h, f in zip(cov_keys, hit_rate, cov_fracs, strict=True)},
            "test_incidents": int(round(total)),
            "seconds_per_forecast": float(np.mean(seconds)),
        }
    best = max(out_methods, key=lambda name: np.mean(list(out_methods[name]["hit_rate"].values())))
    return {"study_cells": n_area, "methods": out_methods, "best": best}


def hits_at_coverage(risk, counts, fractions) -> np.ndarray:
    """Incidents captured by the top ``f * N`` cells for each fraction ``f`` (ties shared in proportion).

    ``risk`` and ``counts`` are per study cell (length N). See the module docstring for the rule.
    """
    risk = np.asarray(risk, dtype=float)
    counts = np.asarray(counts, dtype=float)
    n = len(risk)
    if not np.isfinite(risk).all():
        raise EngineError("a forecast produced NaN or infinite risk")
    order = np.argsort(-risk, kind="stable")
    r, c = risk[order], counts[order]
    starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
    size = np.diff(np.r_[starts, n]).astype(float)
    ghits = np.add.reduceat(c, starts)
    cum_n = np.cumsum(size)
    cum_h = np.cumsum(ghits)
    out = []
    for f in fractions:
        k = f * n
        g = int(np.searchsorted(cum_n, k - 1e-9 * n, side="left"))
        g = min(g, len(size) - 1)
        before_n = cum_n[g - 1] if g > 0 else 0.0
        before_h = cum_h[g - 1] if g > 0 else 0.0
        out.append(before_h + ghits[g] * min(1.0, max(0.0, (k - before_n) / size[g])))
    return np.asarray(out)


def _norm_cat(c) -> str:
    return "" if c is None else str(c).strip().casefold()


def _pos(v, name):
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise EngineError(f"{name} must be a positive number, got {v!r}")
    if not math.isfinite(f) or f <= 0:
        raise EngineError(f"{name} must be a positive number, got {v!r}")
    return f


def _coverages(coverages) -> tuple[list[str], list[float]]:
    if isinstance(coverages, (str, bytes)):
        coverages = [c for c in str(coverages).split(",") if c.strip()]
    keys, fracs = [], []
    for c in coverages:
        key = c.strip() if isinstance(c, str) else format(float(c), "g")
        try:
            pct = float(key)
        except ValueError:
            raise EngineError(f"coverage {c!r} is not a number (percent of the study area)")
        if not (0 < pct <= 100):
            raise EngineError(f"coverage {c!r} must be a percentage above 0 and at most 100")
        if key in keys:
            raise EngineError(f"coverage {key!r} is listed twice")
        keys.append(key)
        fracs.append(pct / 100.0)
    if not keys:
        raise EngineError("give at least one coverage percentage")
    return keys, fracs


def _study_area(grid: Grid, xy, area_cells) -> np.ndarray:
    if area_cells is None:
        return grid.counts(xy) > 0
    if callable(area_cells):
        cx, cy = grid.centres()
        gx, gy = np.meshgrid(cx, cy)
        mask = np.asarray(area_cells(gx, gy), dtype=bool)
    else:
        mask = np.asarray(area_cells, dtype=bool)
    if mask.shape != grid.shape:
        raise EngineError(f"area_cells has shape {mask.shape} but the grid is {grid.shape}")
    return mask


def _forecasters(methods, horizon, observed_from) -> list[Forecaster]:
    if isinstance(methods, str):
        methods = list(FORECASTERS) if methods == "all" else [m for m in methods.split(",") if m.strip()]
    out = []
    for m in methods:
        if isinstance(m, Forecaster):
            out.append(m)
        elif m == "all":
            out.extend(
                make_forecaster(n, horizon_days=horizon, observed_from=observed_from) for n in FORECASTERS
            )
        else:
            out.append(make_forecaster(str(m).strip(), horizon_days=horizon, observed_from=observed_from))
    if not out:
        raise EngineError("give at least one forecast method")
    names = [f.name for f in out]
    if len(set(names)) != len(names):
        raise EngineError(f"forecast methods must have distinct names, got {names}")
    return out


# --------------------------------------------------------------------------------------- CSV reader
@dataclass(frozen=True)
class Incidents:
    """Incidents read from CSV: ``times`` in float days (UTC epoch), ``lat``/``lon`` in degrees."""

    ids: list[str]
    times: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    categories: np.ndarray

    def __len__(self):
        return len(self.ids)

    def project(self, crs: str | None = None) -> tuple[np.ndarray, str]:
        """``(xy, crs)``: projected metres, with the CRS chosen automatically unless given."""
        return project(self.lon, self.lat, crs)


def read_incidents_csv(source) -> Incidents:
    """Read and validate an incident CSV (header ``id,occurred_at,lat,lon,category``; extra columns ignored).

    ``occurred_at`` is ISO 8601 with a UTC offset (``2017-06-05T08:30:00+08:00`` or ``...Z``); ``lat`` and
    ``lon`` are WGS84 degrees; ids must be unique. Every row is checked; all problems are reported together
    with their line numbers (up to 50) in one ``EngineError``, and nothing is returned unless all rows pass.
    ``source`` is a path or a text file object.
    """
    if isinstance(source, (str, os.PathLike)):
        try:
            with open(source, newline="", encoding="utf-8-sig") as fh:
                return _read_incidents(fh, str(source))
        except FileNotFoundError:
            raise EngineError(f"incident file {source} not found")
        except UnicodeDecodeError as exc:
            raise EngineError(f"{source}: not UTF-8 text ({exc})")
    return _read_incidents(source, getattr(source, "name", "<input>"))


def _read_incidents(fh: io.TextIOBase, label: str) -> Incidents:
    reader = csv.reader(fh)
    try:
        header = next(reader)
    except StopIteration:
        raise EngineError(f"{label}: the file is empty (expected a header {','.join(REQUIRED_COLUMNS)})")
    except csv.Error as exc:
        raise EngineError(f"{label}: line 1: {exc}")
    names = [h.strip().lstrip("\ufeff").lower() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise EngineError(
            f"{label}: line 1: missing column(s) {', '.join(missing)} (the header must name "
            f"{', '.join(REQUIRED_COLUMNS)})"
        )
    col = {c: names.index(c) for c in REQUIRED_COLUMNS}
    ids, times, lats, lons, cats = [], [], [], [], []
    errors: list[str] = []
    seen: dict[str, int] = {}
    n_errors = 0
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            n_errors += 1
            errors.append(f"line {reader.line_num}: {exc}")
            break
        line = reader.line_num
        if not row or all(not v.strip() for v in row):
            continue
        problems = []
        if len(row) < len(names):
            n_errors += 1
            if len(errors) < MAX_REPORTED_ROW_ERRORS:
                errors.append(f"line {line}: expected {len(names)} fields, found {len(row)}")
            continue
        rid = row[col["id"]].strip()
        if not rid:
            problems.append("id is empty")
        elif rid in seen:
            problems.append(f"id {rid!r} repeats line {seen[rid]}")
        when = _parse_when(row[col["occurred_at"]], problems)
        lat = _parse_deg(row[col["lat"]], "lat", 90.0, problems)
        lon = _parse_deg(row[col["lon"]], "lon", 180.0, problems)
        cat = row[col["category"]].strip()
        if not cat:
            problems.append("category is empty")
        if problems:
            n_errors += 1
            if len(errors) < MAX_REPORTED_ROW_ERRORS:
                errors.append(f"line {line}: " + "; ".join(problems))
            continue
        seen[rid] = line
        ids.append(rid)
        times.append(when)
        lats.append(lat)
        lons.append(lon)
        cats.append(cat)
    if n_errors:
        more = f"\n... and {n_errors - len(errors)} more" if n_errors > len(errors) else ""
        raise EngineError(f"{label}: {n_errors} bad row(s):\n" + "\n".join(errors) + more)
    if not ids:
        raise EngineError(f"{label}: no incidents after the header")
    return Incidents(
        ids,
        np.asarray(times, dtype=float),
        np.asarray(lats, dtype=float),
        np.asarray(lons, dtype=float),
        np.asarray(cats, dtype=object),
    )


def _parse_when(text: str, problems: list[str]) -> float:
    s = text.strip()
    if not s:
        problems.append("occurred_at is empty")
        return math.nan
    try:
        when = dt.datetime.fromisoformat(s)
    except ValueError:
        problems.append(f"occurred_at {s!r} is not an ISO 8601 date-time")
        return math.nan
    if when.tzinfo is None or when.utcoffset() is None:
        problems.append(f"occurred_at {s!r} has no UTC offset (write e.g. {s}+08:00)")
        return math.nan
    return when.timestamp() / 86_400.0


def _parse_deg(text: str, name: str, limit: float, problems: list[str]) -> float:
    s = text.strip()
    try:
        v = float(s)
    except ValueError:
        problems.append(f"{name} {s!r} is not a number")
        return math.nan
    if not math.isfinite(v) or abs(v) > limit:
        problems.append(f"{name} {s!r} is outside ±{limit:g} degrees")
        return math.nan
    return v


def parse_start(text: str, tz: str = "UTC") -> float:
    """A date (``2017-06-05``, midnight in ``tz``) or ISO date-time (offset wins over ``tz``) -> float days."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise EngineError(f"unknown time zone {tz!r} (use an IANA name such as Asia/Taipei)")
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise EngineError(f"start {text!r} is not an ISO 8601 date or date-time")
    if when.tzinfo is None:
        when = when.replace(tzinfo=zone)
    return when.timestamp() / 86_400.0


def area_from_geojson(path: str, crs: str) -> Callable:
    """A cell-centre predicate ``f(cx, cy)`` for the polygons of a GeoJSON file (lon/lat), in ``crs``."""
    try:
        with open(path, encoding="utf-8") as fh:
            obj = json.load(fh)
    except FileNotFoundError:
        raise EngineError(f"area file {path} not found")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise EngineError(f"area file {path} is not valid GeoJSON: {exc}")
    polys = geojson_polygons(obj)
    if not polys:
        raise EngineError(f"area file {path} holds no polygon")
    projected = []
    for rings in polys:
        out = []
        for ring in rings:
            xy, _ = project(ring[:, 0], ring[:, 1], crs)
            out.append(xy)
        projected.append(out)

    def inside(cx, cy):
        from .grid import points_in_polygons

        pts = np.column_stack([np.ravel(cx), np.ravel(cy)])
        return points_in_polygons(pts, projected).reshape(np.shape(cx))

    return inside


# --------------------------------------------------------------------------------------------- CLI
def build_parser(prog: str = "python -m jingmin.analytics.engine.evaluate") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog, description="Rolling-origin backtest of hot-spot forecast methods."
    )
    p.add_argument("--incidents", required=True, help="CSV with columns id,occurred_at,lat,lon,category")
    p.add_argument("--category", required=True, help="category to forecast (case-insensitive)")
    p.add_argument("--cell", type=float, default=250.0, help="cell size in metres (default 250)")
    p.add_argument(
        "--start", required=True, help="first forecast origin: a date (midnight in --tz) or date-time"
    )
    p.add_argument("--weeks", type=int, default=12, help="number of weekly origins (default 12)")
    p.add_argument("--horizon-days", type=float, default=7.0, help="test window length in days (default 7)")
    p.add_argument("--coverage", default="1,5,10,20", help="comma-separated percentages (default 1,5,10,20)")
    p.add_argument("--method", default="all", help=f"one of {', '.join(FORECASTERS)}, a comma list, or all")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--area", help="GeoJSON (lon/lat) polygon(s) limiting the study area")
    p.add_argument("--crs", help="projected CRS, e.g. EPSG:3826 (default: chosen from the data)")
    p.add_argument("--tz", default="UTC", help="time zone for a --start date without offset (default UTC)")
    return p


def run(args: argparse.Namespace) -> dict:
    inc = read_incidents_csv(args.incidents)
    xy, crs = inc.project(args.crs)
    area = area_from_geojson(args.area, crs) if args.area else None
    return evaluate(
        inc.times,
        xy,
        inc.categories,
        category=args.category,
        cell=args.cell,
        start=parse_start(args.start, args.tz),
        weeks=args.weeks,
        horizon_days=args.horizon_days,
        coverages=[c for c in args.coverage.split(",") if c.strip()],
        methods=args.method,
        area_cells=area,
    )


def format_table(result: dict) -> str:
    keys = list(next(iter(result["methods"].values()))["hit_rate"])
    head = f"{'method':<10} " + " ".join(f"{'hit@' + k + '%':>9}" for k in keys)
    head += " " + " ".join(f"{'PAI@' + k + '%':>9}" for k in keys) + f" {'s/forecast':>10}"
    lines = [f"study cells: {result['study_cells']}", head]
    for name, m in result["methods"].items():
        row = f"{name:<10} " + " ".join(f"{m['hit_rate'][k]:>9.3f}" for k in keys)
        row += " " + " ".join(f"{m['pai'][k]:>9.2f}" for k in keys) + f" {m['seconds_per_forecast']:>10.3f}"
        lines.append(row)
    first = next(iter(result["methods"].values()))
    lines.append(f"test incidents: {first['test_incidents']}; best: {result['best']}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None, *, prog: str | None = None) -> int:
    """Command entry point; returns the exit status (0 ok, 2 bad input or arguments)."""
    parser = build_parser(prog) if prog else build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed the message
        return int(exc.code or 0)
    try:
        result = run(args)
    except EngineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(format_table(result))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
