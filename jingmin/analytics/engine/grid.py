"""Grids, coordinate and time validation, projection choice and polygon masks.

Conventions used by the whole engine:

* **Coordinates** are projected metres, ``x`` east and ``y`` north, as an ``(n, 2)`` float array.
  Longitude/latitude are converted with :func:`project` after :func:`choose_crs` picks the CRS.
* **Grid**: ``Grid(origin=(x0, y0), cell=c, shape=(ny, nx))``. ``origin`` is the lower-left corner;
  row ``i`` runs northwards and column ``j`` eastwards; cell ``(i, j)`` covers
  ``[x0 + j c, x0 + (j + 1) c) x [y0 + i c, y0 + (i + 1) c)`` and its centre is
  ``(x0 + (j + 0.5) c, y0 + (i + 0.5) c)``. Arrays indexed ``[i, j]`` therefore print "upside down";
  flip with ``arr[::-1]`` to draw north up.
* **Time**: float days since 1970-01-01T00:00:00Z. ``numpy.datetime64`` arrays of any unit are accepted
  wherever times are and converted with :func:`as_days`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .errors import EngineError

DEFAULT_MAX_CELLS = 25_000_000
"""Largest grid (ny * nx) a function builds unless told otherwise: 25 M float64 cells = 200 MB."""

_EPOCH = np.datetime64("1970-01-01T00:00:00", "ns")
_NS_PER_DAY = 86_400 * 10**9


# --------------------------------------------------------------------------------------------- grid
@dataclass(frozen=True)
class Grid:
    """A regular square grid in projected metres (see the module docstring for the layout)."""

    origin: tuple[float, float]
    cell: float
    shape: tuple[int, int]

    def __post_init__(self):
        x0, y0 = _as_origin(self.origin)
        object.__setattr__(self, "origin", (x0, y0))
        object.__setattr__(self, "cell", _as_cell(self.cell))
        object.__setattr__(self, "shape", _as_shape(self.shape))

    @property
    def ny(self) -> int:
        return self.shape[0]

    @property
    def nx(self) -> int:
        return self.shape[1]

    @property
    def size(self) -> int:
        return self.shape[0] * self.shape[1]

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)`` of the grid's outer edges."""
        x0, y0 = self.origin
        return (x0, y0, x0 + self.nx * self.cell, y0 + self.ny * self.cell)

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """Cell-centre coordinates: ``cx`` of length ``nx`` and ``cy`` of length ``ny``."""
        x0, y0 = self.origin
        cx = x0 + (np.arange(self.nx) + 0.5) * self.cell
        cy = y0 + (np.arange(self.ny) + 0.5) * self.cell
        return cx, cy

    def cell_index(self, xy) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Row ``i``, column ``j`` and an ``inside`` mask for each point (``i, j`` are -1 outside)."""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        x0, y0 = self.origin
        j = np.floor((xy[:, 0] - x0) / self.cell)
        i = np.floor((xy[:, 1] - y0) / self.cell)
        inside = (i >= 0) & (i < self.ny) & (j >= 0) & (j < self.nx)
        i = np.where(inside, i, -1).astype(np.int64)
        j = np.where(inside, j, -1).astype(np.int64)
        return i, j, inside

    def counts(self, xy, weights=None) -> np.ndarray:
        """(ny, nx) sum of ``weights`` (default 1) of the points falling in each cell."""
        i, j, inside = self.cell_index(xy)
        w = None if weights is None else np.asarray(weights, dtype=float)[inside]
        flat = np.bincount(i[inside] * self.nx + j[inside], weights=w, minlength=self.size)
        return flat.astype(float).reshape(self.shape)

    def check_size(self, max_cells: float = DEFAULT_MAX_CELLS) -> Grid:
        check_grid_size(self.shape, max_cells)
        return self

    @classmethod
    def covering(cls, xy, cell: float, *, margin: float = 0.0, max_cells: float = DEFAULT_MAX_CELLS) -> Grid:
        """The smallest grid aligned to multiples of ``cell`` that holds every point (plus ``margin`` m).

        Aligning the origin to multiples of the cell size makes grids built from different subsets of
        the same data line up cell for cell.
        """
        xy = as_xy(xy)
        cell = _as_cell(cell)
        lo = xy.min(axis=0) - margin
        hi = xy.max(axis=0) + margin
        x0 = math.floor(lo[0] / cell) * cell
        y0 = math.floor(lo[1] / cell) * cell
        nx = max(1, math.floor((hi[0] - x0) / cell) + 1)
        ny = max(1, math.floor((hi[1] - y0) / cell) + 1)
        check_grid_size((ny, nx), max_cells)
        return cls((x0, y0), cell, (ny, nx))


def check_grid_size(shape, max_cells: float = DEFAULT_MAX_CELLS) -> None:
    ny, nx = _as_shape(shape)
    if max_cells is not None and ny * nx > max_cells:
        raise EngineError(
            f"the grid would have {ny} x {nx} = {ny * nx:,} cells, more than the limit of "
            f"{int(max_cells):,}; use a larger cell size or a smaller area (or raise max_cells)"
        )


def _as_origin(origin) -> tuple[float, float]:
    try:
        x0, y0 = (float(v) for v in origin)
    except (TypeError, ValueError):
        raise EngineError(f"origin must be a pair (x0, y0) of numbers in metres, got {origin!r}")
    if not (math.isfinite(x0) and math.isfinite(y0)):
        raise EngineError(f"origin must be finite, got {origin!r}")
    return x0, y0


def _as_cell(cell) -> float:
    try:
        c = float(cell)
    except (TypeError, ValueError):
        raise EngineError(f"cell size must be a number of metres, got {cell!r}")
    if not math.isfinite(c) or c <= 0:
        raise EngineError(f"cell size must be a positive number of metres, got {cell!r}")
    return c


def _as_shape(shape) -> tuple[int, int]:
    try:
        ny, nx = shape
        if int(ny) != ny or int(nx) != nx:
            raise ValueError
        ny, nx = int(ny), int(nx)
    except (TypeError, ValueError):
        raise EngineError(f"shape must be a pair (ny, nx) of whole numbers, got {shape!r}")
    if ny < 1 or nx < 1:
        raise EngineError(f"shape must have at least one row and one column, got {shape!r}")
    return ny, nx


# --------------------------------------------------------------------------------------- validation
def as_xy(xy, *, name: str = "xy", allow_empty: bool = False) -> np.ndarray:
    """Validate an ``(n, 2)`` array of finite projected coordinates; return it as float64."""
    try:
        arr = np.asarray(xy, dtype=float)
    except (TypeError, ValueError):
        raise EngineError(f"{name} must be an (n, 2) array of numbers (metres)")
    if arr.ndim == 1 and arr.size == 2:
        arr = arr.reshape(1, 2)
    if arr.ndim == 1 and arr.size == 0:
        arr = arr.reshape(0, 2)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise EngineError(f"{name} must be an (n, 2) array of x, y coordinates, got shape {arr.shape}")
    if arr.shape[0] == 0 and not allow_empty:
        raise EngineError(f"{name} is empty: at least one point is needed")
    if not np.isfinite(arr).all():
        bad = ~np.isfinite(arr).all(axis=1)
        first = int(np.flatnonzero(bad)[0])
        raise EngineError(
            f"{name} has {int(bad.sum())} point(s) with NaN or infinite coordinates (first at row {first})"
        )
    return arr


def as_weights(weights, n: int, *, name: str = "weights") -> np.ndarray | None:
    """Validate optional non-negative finite weights of length ``n``."""
    if weights is None:
        return None
    try:
        w = np.asarray(weights, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise EngineError(f"{name} must be an array of numbers")
    if w.shape[0] != n:
        raise EngineError(f"{name} has {w.shape[0]} values but there are {n} points")
    if not np.isfinite(w).all():
        raise EngineError(f"{name} must be finite (found NaN or infinity)")
    if (w < 0).any():
        raise EngineError(f"{name} must not be negative (found {int((w < 0).sum())} negative value(s))")
    return w


def as_days(t, *, name: str = "times") -> np.ndarray:
    """Times as float days since 1970-01-01T00:00Z.

    Accepts numbers (already days), ``numpy.datetime64`` arrays of any unit, ISO 8601 strings, and
    timezone-aware ``datetime`` objects. Naive datetimes and strings without an offset are read as UTC.
    """
    arr = np.asarray(t)
    if arr.dtype.kind == "M":
        out = (arr.astype("datetime64[ns]") - _EPOCH).astype(np.int64) / _NS_PER_DAY
        if np.isnat(arr).any():
            raise EngineError(f"{name} has missing (NaT) values")
        return np.asarray(out, dtype=float)
    if arr.dtype.kind in "OUS":
        flat = [_one_day(v, name) for v in arr.reshape(-1)]
        return np.asarray(flat, dtype=float).reshape(arr.shape)
    try:
        out = np.asarray(arr, dtype=float)
    except (TypeError, ValueError):
        raise EngineError(f"{name} must be float days since 1970-01-01 or datetime64 values")
    if not np.isfinite(out).all():
        raise EngineError(f"{name} has NaN or infinite values")
    return out


def _one_day(v, name: str) -> float:
    import datetime as _dt

    if isinstance(v, np.datetime64):
        return float(as_days(np.asarray([v]))[0])
    if isinstance(v, (int, float, np.integer, np.floating)):
        f = float(v)
        if not math.isfinite(f):
            raise EngineError(f"{name} has NaN or infinite values")
        return f
    if isinstance(v, bytes):
        v = v.decode()
    if isinstance(v, str):
        try:
            v = _dt.datetime.fromisoformat(v.strip())
        except ValueError:
            raise EngineError(f"{name}: {v!r} is not an ISO 8601 date or date-time")
    if isinstance(v, _dt.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=_dt.UTC)
        return v.timestamp() / 86_400.0
    if isinstance(v, _dt.date):
        return (v - _dt.date(1970, 1, 1)).days * 1.0
    raise EngineError(f"{name}: cannot read {v!r} as a time")


def day_to_iso(day: float) -> str:
    """Float day -> ISO 8601 UTC string (for messages)."""
    import datetime as _dt

    return _dt.datetime.fromtimestamp(round(day * 86_400.0, 3), tz=_dt.UTC).isoformat().replace("+00:00", "Z")


# --------------------------------------------------------------------------------------- projection
_TAIWAN_BOXES = {
    # lon_min, lat_min, lon_max, lat_max
    "main": (119.0, 21.5, 122.5, 25.7),  # Taiwan island, Penghu, Green Island, Orchid Island
    "kinmen": (118.0, 24.2, 118.7, 24.7),
    "matsu": (119.7, 25.8, 120.7, 26.6),
}


def choose_crs(lon, lat) -> str:
    """Projected CRS for data at ``lon``/``lat`` (degrees, WGS84).

    * every point on Taiwan, Penghu or the eastern islets: ``EPSG:3826`` (TWD97 / TM2 zone 121);
    * every point on Kinmen or Matsu: ``EPSG:3825`` (TWD97 / TM2 zone 119); a mix with the main island
      gets ``EPSG:3826``;
    * anywhere else: the WGS84 UTM zone of the centroid (``EPSG:326zz`` north, ``EPSG:327zz`` south;
      the Norway/Svalbard zone exceptions are not applied).
    """
    lon = np.asarray(lon, dtype=float).reshape(-1)
    lat = np.asarray(lat, dtype=float).reshape(-1)
    if lon.size == 0 or lon.shape != lat.shape:
        raise EngineError("choose_crs needs matching, non-empty lon and lat arrays")
    if not (np.isfinite(lon).all() and np.isfinite(lat).all()):
        raise EngineError("longitude/latitude must be finite")
    if (np.abs(lat) > 90).any() or (np.abs(lon) > 180).any():
        raise EngineError("latitude must be within ±90 and longitude within ±180 degrees")

    def inside(box):
        x0, y0, x1, y1 = box
        return (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)

    main = inside(_TAIWAN_BOXES["main"])
    islands = inside(_TAIWAN_BOXES["kinmen"]) | inside(_TAIWAN_BOXES["matsu"])
    if main.all():
        return "EPSG:3826"
    if islands.all():
        return "EPSG:3825"
    if (main | islands).all():
        return "EPSG:3826"
    clon, clat = float(lon.mean()), float(lat.mean())
    zone = min(60, int(math.floor((clon + 180.0) / 6.0)) + 1)
    return f"EPSG:{32600 + zone if clat >= 0 else 32700 + zone}"


@functools.lru_cache(maxsize=16)
def _transformer(crs: str):
    try:
        from pyproj import Transformer
        from pyproj.exceptions import CRSError
    except ImportError as exc:  # pragma: no cover - pyproj is a dependency
        raise EngineError("pyproj is needed to project coordinates") from exc
    try:
        return Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    except CRSError as exc:
        raise EngineError(f"unknown coordinate reference system {crs!r}: {exc}")


def project(lon, lat, crs: str | None = None) -> tuple[np.ndarray, str]:
    """Project WGS84 ``lon``/``lat`` to metres; returns ``(xy, crs)`` (``crs`` chosen if not given)."""
    lon = np.asarray(lon, dtype=float).reshape(-1)
    lat = np.asarray(lat, dtype=float).reshape(-1)
    if crs is None:
        crs = choose_crs(lon, lat)
    x, y = _transformer(str(crs)).transform(lon, lat)
    xy = np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
    if not np.isfinite(xy).all():
        raise EngineError(f"some points cannot be projected to {crs} (outside its area of use?)")
    return xy, str(crs)


# ----------------------------------------------------------------------------------------- polygons
def geojson_polygons(obj) -> list[list[np.ndarray]]:
    """Polygons of a GeoJSON object as lists of rings (``(k, 2)`` lon/lat arrays).

    Accepts a FeatureCollection, Feature, Polygon, MultiPolygon or GeometryCollection. Other geometry
    types are an error (an area must be a polygon).
    """
    if not isinstance(obj, dict) or "type" not in obj:
        raise EngineError("area: not a GeoJSON object (expected a dict with a 'type')")
    kind = obj["type"]
    if kind == "FeatureCollection":
        out = []
        for f in obj.get("features") or []:
            out.extend(geojson_polygons(f))
        return out
    if kind == "Feature":
        geom = obj.get("geometry")
        if geom is None:
            return []
        return geojson_polygons(geom)
    if kind == "GeometryCollection":
        out = []
        for g in obj.get("geometries") or []:
            out.extend(geojson_polygons(g))
        return out
    if kind == "Polygon":
        return [_rings(obj.get("coordinates"))]
    if kind == "MultiPolygon":
        return [_rings(p) for p in obj.get("coordinates") or []]
    raise EngineError(f"area: geometry type {kind!r} is not a Polygon or MultiPolygon")


def _rings(coords) -> list[np.ndarray]:
    rings = []
    for ring in coords or []:
        arr = np.asarray(ring, dtype=float)
        if arr.ndim != 2 or arr.shape[1] < 2 or arr.shape[0] < 3 or not np.isfinite(arr).all():
            raise EngineError("area: a polygon ring must be a list of at least 3 [lon, lat] positions")
        rings.append(arr[:, :2])
    if not rings:
        raise EngineError("area: a polygon has no rings")
    return rings


def points_in_polygons(xy, polygons: Iterable[Sequence[np.ndarray]]) -> np.ndarray:
    """Boolean mask: which points lie inside any polygon (even-odd rule over each polygon's rings,
    so holes are excluded). Rings are ``(k, 2)`` arrays in the same coordinates as ``xy``."""
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    px, py = xy[:, 0], xy[:, 1]
    result = np.zeros(len(xy), dtype=bool)
    for rings in polygons:
        inside = np.zeros(len(xy), dtype=bool)
        for ring in rings:
            ring = np.asarray(ring, dtype=float)
            xa, ya = ring[:, 0], ring[:, 1]
            xb, yb = np.roll(xa, -1), np.roll(ya, -1)
            for k in range(len(ring)):  # vectorised over points, looped over edges
                y1, y2, x1, x2 = ya[k], yb[k], xa[k], xb[k]
                if y1 == y2:
                    continue
                crosses = (py >= min(y1, y2)) & (py < max(y1, y2))
                if not crosses.any():
                    continue
                xint = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
                inside ^= crosses & (px < xint)
        result |= inside
    return result


def grid_mask_from_polygons(grid: Grid, polygons) -> np.ndarray:
    """(ny, nx) boolean mask of the cells whose centre lies inside the polygons (grid coordinates)."""
    cx, cy = grid.centres()
    gx, gy = np.meshgrid(cx, cy)
    return points_in_polygons(np.column_stack([gx.ravel(), gy.ravel()]), polygons).reshape(grid.shape)
