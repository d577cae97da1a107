"""Hotspot layer: kernel density (engine ``grid_kde``) and Getis-Ord Gi* (engine ``gi_star``) on a grid.

The grid is in EPSG:3826 and covers the chosen unit's area; cells whose centre lies outside the area
are left out (density 0, not part of the Gi* study area). The layer is served as vector cells: only
cells above ``SHARE`` of the peak density (plus every significant hot cell), with their density
(incidents per km²), Gi* z-score and p-value, and the outline of the significant hot cells.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from jingmin.analytics.engine.errors import EngineError
from jingmin.analytics.engine.gistar import gi_star
from jingmin.analytics.engine.grid import Grid, check_grid_size
from jingmin.analytics.engine.kde import grid_kde
from jingmin.analytics.models import Incident, IncidentCategory
from jingmin.exports import SafeWriter
from jingmin.geo.proj import to_twd97, to_wgs84

DEFAULT_CELL = 100.0
DEFAULT_BANDWIDTH = 200.0
DEFAULT_DAYS = 90
SHARE = 0.05
MAX_CELLS = int(os.environ.get("JINGMIN_ANALYTICS_MAX_CELLS", "4000000"))
MAX_FEATURES = 20_000
ALPHA = 0.05
COLOURS = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]
BREAKS = [0.05, 0.2, 0.4, 0.6, 0.8]  # shares of the peak


@dataclass
class HotspotParams:
    unit: object
    categories: list = field(default_factory=list)
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    cell: float = DEFAULT_CELL
    bandwidth: float = DEFAULT_BANDWIDTH

    @property
    def category_codes(self):
        return sorted(c.code for c in self.categories)


def _number(data, name, default, lo, hi, errors, label):
    raw = data.get(name)
    if raw in (None, ""):
        return default
    try:
        v = float(raw)
    except (TypeError, ValueError):
        errors[name] = _("Enter a number.")
        return default
    if not math.isfinite(v) or v < lo or v > hi:
        errors[name] = _("%(label)s must be between %(lo)s and %(hi)s metres.") % {
            "label": label,
            "lo": lo,
            "hi": hi,
        }
        return default
    return v


def _date(data, name, errors):
    raw = (data.get(name) or "").strip()
    if not raw:
        return None
    try:
        d = dt.date.fromisoformat(raw[:10])
    except ValueError:
        errors[name] = _("Enter a date as YYYY-MM-DD.")
        return None
    return timezone.make_aware(dt.datetime.combine(d, dt.time()))


def parse_categories(raw, errors, name="categories"):
    if isinstance(raw, str):
        raw = [c for c in raw.split(",") if c.strip()]
    codes = [c.strip() for c in raw or [] if c and c.strip()]
    if not codes:
        return list(IncidentCategory.objects.filter(active=True))
    found = {c.code: c for c in IncidentCategory.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        errors[name] = _("Unknown category: %(codes)s") % {"codes": ", ".join(unknown)}
    return [found[c] for c in codes if c in found]


def parse_params(unit, data, *, multi_categories=None):
    """Validate query parameters (a dict or QueryDict); raises ValidationError with field errors."""
    errors = {}
    cats = parse_categories(
        multi_categories if multi_categories is not None else data.get("categories"), errors
    )
    cell = _number(data, "cell", DEFAULT_CELL, 10, 2000, errors, _("Cell size"))
    # below 10 m a kernel is narrower than any address's precision (and 1e-56 overflowed the grid)
    bandwidth = _number(data, "bandwidth", DEFAULT_BANDWIDTH, 10, 5000, errors, _("Bandwidth"))
    end = _date(data, "end", errors)
    start = _date(data, "start", errors)
    if end is not None:
        end = end + dt.timedelta(days=1)  # the end date is included
    else:
        end = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=1), dt.time()))
    if start is None:
        start = end - dt.timedelta(days=DEFAULT_DAYS)
    if "start" not in errors and "end" not in errors and start >= end:
        errors["end"] = _("The end date must not be before the start date.")
    if errors:
        raise ValidationError(errors)
    return HotspotParams(unit=unit, categories=cats, start=start, end=end, cell=cell, bandwidth=bandwidth)


def unit_area(unit):
    """The unit's area as a shapely geometry in EPSG:3826 (None when the unit has no boundary)."""
    if not unit.boundary:
        return None
    geom = shapely.geometry.shape(unit.boundary)

    def project(coords):
        x, y = to_twd97(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, project)


def grid_for(area, cell, max_cells=MAX_CELLS):
    """The cell-aligned grid covering ``area``; raises ValidationError over the memory budget."""
    x0, y0, x1, y1 = area.bounds
    gx0, gy0 = math.floor(x0 / cell) * cell, math.floor(y0 / cell) * cell
    nx = max(1, math.ceil((x1 - gx0) / cell))
    ny = max(1, math.ceil((y1 - gy0) / cell))
    try:
        check_grid_size((ny, nx), max_cells)
    except EngineError:
        raise ValidationError(
            {
                "cell": _(
                    "A %(cell)s m grid over this unit would have %(n)s cells, more than the limit of %(max)s: "
                    "choose a larger cell size or a smaller unit."
                )
                % {"cell": f"{cell:g}", "n": f"{nx * ny:,}", "max": f"{max_cells:,}"}
            }
        )
    return Grid((gx0, gy0), cell, (ny, nx))


def area_mask(grid, area):
    cx, cy = grid.centres()
    gx, gy = np.meshgrid(cx, cy)
    shapely.prepare(area)
    return shapely.contains_xy(area, gx, gy)


def incidents_for(user, params):
    qs = Incident.objects.visible_to(user).filter(
        unit__path__startswith=params.unit.path,
        occurred_at__gte=params.start,
        occurred_at__lt=params.end,
    )
    if params.categories:
        qs = qs.filter(category__in=params.categories)
    return np.asarray(list(qs.values_list("x", "y")), dtype=float).reshape(-1, 2)


def cell_polygons(grid, i, j):
    """(k, 5, 2) lon/lat rings of cells (i, j)."""
    x0, y0 = grid.origin
    c = grid.cell
    xs = x0 + np.stack([j, j + 1, j + 1, j, j], axis=1) * c
    ys = y0 + np.stack([i, i, i + 1, i + 1, i], axis=1) * c
    lon, lat = to_wgs84(xs.ravel(), ys.ravel())
    return np.stack([np.round(lon, 6), np.round(lat, 6)], axis=-1).reshape(-1, 5, 2)


def _outline(grid, cells_i, cells_j):
    if len(cells_i) == 0:
        return None
    x0, y0 = grid.origin
    c = grid.cell
    boxes = shapely.box(x0 + cells_j * c, y0 + cells_i * c, x0 + (cells_j + 1) * c, y0 + (cells_i + 1) * c)
    merged = shapely.union_all(boxes)

    def back(coords):
        lon, lat = to_wgs84(coords[:, 0], coords[:, 1])
        return np.round(np.column_stack([lon, lat]), 6)

    return shapely.geometry.mapping(shapely.transform(merged, back))


def compute(user, params, *, max_cells=MAX_CELLS):
    """The hotspot layer as a GeoJSON-like dict with ``legend``, ``meta`` and ``message`` members."""
    area = unit_area(params.unit)
    meta = {
        "unit": params.unit.code,
        "categories": params.category_codes,
        "start": params.start.isoformat(),
        "end": params.end.isoformat(),
        "cell_m": params.cell,
        "bandwidth_m": params.bandwidth,
        "crs": "EPSG:3826",
        "density_unit": "incidents/km²",
    }
    out = {
        "type": "FeatureCollection",
        "features": [],
        "hot": None,
        "legend": [],
        "meta": meta,
        "message": "",
    }
    if area is None or area.is_empty:
        out["message"] = _("This unit has no boundary, so no map can be drawn for it.")
        return out
    grid = grid_for(area, params.cell, max_cells)
    xy = incidents_for(user, params)
    meta.update(
        {"incidents": len(xy), "grid": {"origin": grid.origin, "cell": grid.cell, "shape": grid.shape}}
    )
    if len(xy) == 0:
        out["message"] = _(
            "No incidents of the chosen categories in this unit during the chosen period: nothing to map."
        )
        return out
    mask = area_mask(grid, area)
    try:
        density = grid_kde(
            xy,
            origin=grid.origin,
            cell=grid.cell,
            shape=grid.shape,
            bandwidth=params.bandwidth,
            max_cells=max_cells,
        )
    except EngineError as exc:
        raise ValidationError({"bandwidth": str(exc)})
    density = np.where(mask, density * 1e6, 0.0)
    notes = []
    z = np.zeros(grid.shape)
    p = np.ones(grid.shape)
    hot = np.zeros(grid.shape, dtype=bool)
    distinct = len(np.unique(xy, axis=0))
    if len(xy) == 1:
        notes.append(
            _("Only one incident: the surface is that incident's kernel; no hot spot can be tested.")
        )
    elif distinct == 1:
        notes.append(_("All incidents are at the same place: no hot spot can be tested."))
    elif mask.sum() < 2:
        notes.append(_("The unit covers fewer than two grid cells: choose a smaller cell size."))
    else:
        counts = grid.counts(xy)
        gi = gi_star(counts, radius_cells=max(1.0, params.bandwidth / params.cell), mask=mask, alpha=ALPHA)
        z, p, hot = gi.z, gi.p, gi.hot
        if gi.note:
            notes.append(gi.note)
    peak = float(density.max())
    if peak <= 0:
        out["message"] = _("The incidents lie outside this unit's area: nothing to map.")
        return out
    threshold = SHARE * peak
    keep = (density >= threshold) | hot
    if keep.sum() > MAX_FEATURES:
        threshold = float(np.partition(density[mask].ravel(), -MAX_FEATURES)[-MAX_FEATURES])
        keep = (density >= threshold) | hot
        notes.append(_("Only the densest cells are shown; choose a larger cell size to see more."))
    ii, jj = np.nonzero(keep)
    rings = cell_polygons(grid, ii, jj)
    counts = grid.counts(xy)
    features = []
    for k in range(len(ii)):
        i, j = int(ii[k]), int(jj[k])
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [rings[k].tolist()]},
                "properties": {
                    "row": i,
                    "col": j,
                    "density": round(float(density[i, j]), 3),
                    "share": round(float(density[i, j]) / peak, 4),
                    "count": int(counts[i, j]),
                    "z": round(float(z[i, j]), 3),
                    "p": round(float(p[i, j]), 4),
                    "hot": bool(hot[i, j]),
                },
            }
        )
    hi, hj = np.nonzero(hot)
    outline = _outline(grid, hi, hj)
    out["features"] = features
    out["hot"] = (
        {"type": "Feature", "geometry": outline, "properties": {"cells": int(len(hi))}} if outline else None
    )
    out["legend"] = [
        {"from": round(b * peak, 3), "colour": c, "label": f"≥ {b * peak:.1f}"}
        for b, c in zip(BREAKS, COLOURS, strict=True)
    ]
    meta.update({"peak_density": round(peak, 3), "hot_cells": int(len(hi)), "cells_shown": len(features)})
    out["message"] = " ".join(str(n) for n in notes)
    return out


CSV_FIELDS = ["row", "col", "x_3826", "y_3826", "lon", "lat", "density_per_km2", "count", "z", "p", "hot"]


def to_csv(layer):
    out = io.StringIO()
    writer = SafeWriter(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    grid = layer["meta"].get("grid")
    for f in layer["features"]:
        pr = f["properties"]
        ring = f["geometry"]["coordinates"][0]
        lon = sum(pt[0] for pt in ring[:4]) / 4
        lat = sum(pt[1] for pt in ring[:4]) / 4
        x0, y0 = grid["origin"]
        cx = x0 + (pr["col"] + 0.5) * grid["cell"]
        cy = y0 + (pr["row"] + 0.5) * grid["cell"]
        writer.writerow(
            [
                pr["row"],
                pr["col"],
                f"{cx:.1f}",
                f"{cy:.1f}",
                f"{lon:.6f}",
                f"{lat:.6f}",
                pr["density"],
                pr["count"],
                pr["z"],
                pr["p"],
                int(pr["hot"]),
            ]
        )
    return out.getvalue()
