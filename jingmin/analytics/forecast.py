"""Forecast focus boxes: rank a unit's grid cells by next-week risk and keep the top 1 / 5 / 10 %.

The method is the ``best`` of the latest stored evaluation for the unit (or its nearest ancestor) and
category; without one, ``DEFAULT_METHOD``. The engine's forecasters only ever see incidents before
the forecast start. Results are stored as ``ForecastRun`` rows (nightly by ``tasks.nightly_refresh``).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from jingmin.analytics.engine.errors import EngineError
from jingmin.analytics.engine.forecast import FORECASTERS, make_forecaster
from jingmin.analytics.hotspot import area_mask, cell_polygons, grid_for, unit_area
from jingmin.analytics.models import Evaluation, ForecastRun, Incident, IncidentCategory
from jingmin.org.models import Unit

COVERAGES = (1, 5, 10)
DEFAULT_METHOD = "blend"
FALLBACK_METHOD = "kde_decay"  # when the history is too short for the process model
MIN_FOR_BLEND = 30
DEFAULT_CELL = 250.0
HISTORY_DAYS = 365


def category_key(categories):
    codes = sorted(c.code for c in categories)
    all_codes = sorted(IncidentCategory.objects.filter(active=True).values_list("code", flat=True))
    return "all" if not codes or codes == all_codes else ",".join(codes)


def pick_method(unit, key):
    """(method, evaluation) from the latest evaluation for the unit or its nearest ancestor."""
    codes = unit.path.strip("/").split("/")
    wanted = ["all"] if key == "all" else [key, "all"]
    evals = list(
        Evaluation.objects.filter(unit__code__in=codes, category__in=wanted)
        .select_related("unit")
        .order_by("-created_at", "-id")
    )
    if not evals:
        return None, None
    depth = {c: i for i, c in enumerate(codes)}
    best = max(evals, key=lambda e: (depth[e.unit.code], e.category == key, e.created_at, e.id))
    return (best.best if best.best in FORECASTERS else None), best


def compute_forecast(
    unit, categories=None, *, start=None, horizon_days=7.0, cell=DEFAULT_CELL, method=None, save=True
):
    """Compute (and with ``save`` store) a ForecastRun for ``unit`` (callers check the user's scope)."""
    categories = list(categories or IncidentCategory.objects.filter(active=True))
    key = category_key(categories)
    start = start or timezone.now()
    evaluation = None
    if method is None:
        method, evaluation = pick_method(unit, key)
    run = ForecastRun(
        unit=unit, category_key=key, start=start, horizon_days=horizon_days, cell=cell, evaluation=evaluation
    )
    area = unit_area(unit)
    if area is None or area.is_empty:
        run.method = method or DEFAULT_METHOD
        run.note = "the unit has no boundary"
        return _done(run, save)
    grid = grid_for(area, cell)
    mask = area_mask(grid, area)
    rows = list(
        Incident.objects.filter(
            unit__path__startswith=unit.path,
            category__in=categories,
            occurred_at__lt=start,
            occurred_at__gte=start - dt.timedelta(days=HISTORY_DAYS),
        ).values_list("occurred_at", "x", "y")
    )
    run.n_incidents = len(rows)
    if method is None:
        method = DEFAULT_METHOD if len(rows) >= MIN_FOR_BLEND else FALLBACK_METHOD
    run.method = method
    run.grid = {"origin": list(grid.origin), "cell": grid.cell, "shape": list(grid.shape)}
    area_cells = np.flatnonzero(mask.ravel())
    run.study_cells = len(area_cells)
    if not rows:
        run.note = "no incidents before the start: nothing to forecast from"
        return _done(run, save)
    t = np.asarray([r[0].timestamp() / 86400.0 for r in rows])
    xy = np.asarray([(r[1], r[2]) for r in rows], dtype=float)
    try:
        risk = make_forecaster(method, horizon_days=horizon_days).fit_predict(
            t, xy, grid, start.timestamp() / 86400.0
        )
    except EngineError as exc:
        run.note = str(exc)[:300]
        return _done(run, save)
    r = risk.ravel()[area_cells]
    order = np.argsort(-r, kind="stable")
    boxes = []
    k_max = math.ceil(max(COVERAGES) / 100.0 * len(area_cells))
    limits = {c: math.ceil(c / 100.0 * len(area_cells)) for c in COVERAGES}
    for rank, pos in enumerate(order[:k_max]):
        if r[pos] <= 0:
            break
        flat = int(area_cells[pos])
        tier = min(c for c in COVERAGES if rank < limits[c])
        boxes.append(
            {"i": flat // grid.nx, "j": flat % grid.nx, "rank": rank + 1, "risk": float(r[pos]), "tier": tier}
        )
    if len(boxes) < k_max:
        run.note = "fewer cells with any risk than the largest coverage asks for"
    run.boxes = boxes
    return _done(run, save)


def _done(run, save):
    if save:
        run.save()
    return run


def latest_run(unit, key, *, horizon_days=7.0, max_age_hours=24):
    since = timezone.now() - dt.timedelta(hours=max_age_hours)
    return (
        ForecastRun.objects.filter(
            unit=unit, category_key=key, horizon_days=horizon_days, created_at__gte=since
        )
        .order_by("-created_at", "-id")
        .first()
    )


def as_geojson(run, coverage=None):
    from jingmin.analytics.engine.grid import Grid

    meta = {
        "unit": run.unit.code,
        "categories": run.category_key,
        "method": run.method,
        "start": run.start.isoformat(),
        "horizon_days": run.horizon_days,
        "cell_m": run.cell,
        "study_cells": run.study_cells,
        "incidents_used": run.n_incidents,
        "coverages": list(COVERAGES),
        "computed_at": run.created_at.isoformat() if run.created_at else None,
        "evaluation": run.evaluation_id,
    }
    out = {"type": "FeatureCollection", "features": [], "meta": meta, "message": run.note and _message(run)}
    boxes = [b for b in run.boxes if coverage is None or b["tier"] <= coverage]
    if not boxes or not run.grid:
        if not run.note:
            out["message"] = _("No cell has any forecast risk.")
        return out
    grid = Grid(tuple(run.grid["origin"]), run.grid["cell"], tuple(run.grid["shape"]))
    ii = np.asarray([b["i"] for b in boxes])
    jj = np.asarray([b["j"] for b in boxes])
    rings = cell_polygons(grid, ii, jj)
    for b, ring in zip(boxes, rings, strict=True):
        out["features"].append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring.tolist()]},
                "properties": {"rank": b["rank"], "risk": round(b["risk"], 6), "tier": b["tier"]},
            }
        )
    return out


def _message(run):
    if run.note.startswith("no incidents"):
        return _(
            "No incidents of these categories in the year before the forecast start: nothing to forecast."
        )
    if run.note.startswith("the unit has no boundary"):
        return _("This unit has no boundary, so no map can be drawn for it.")
    if run.note.startswith("fewer cells"):
        return _("Fewer cells have any risk than the largest coverage asks for; all of them are shown.")
    return run.note


def refresh_forecasts(*, now=None, kinds=("precinct", "station"), units=None, horizon_days=7.0):
    """Forecasts for every precinct and station: all categories, and each near-repeat category."""
    now = now or timezone.now()
    units = list(units) if units is not None else list(Unit.objects.filter(kind__in=kinds))
    sets = [None] + [[c] for c in IncidentCategory.objects.filter(near_repeat=True, active=True)]
    runs = []
    for unit in units:
        for cats in sets:
            runs.append(compute_forecast(unit, cats, start=now, horizon_days=horizon_days))
    return runs
