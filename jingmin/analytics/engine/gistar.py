"""Getis-Ord Gi* hot-spot statistic on a grid, computed by convolution.

For a grid of values ``y`` (e.g. incident counts per cell) and binary weights ``w_ij`` that include the
cell itself (``w_ii = 1``, the "star" form), the z-score of cell ``i`` is::

    z_i = (sum_j w_ij y_j - ybar * W_i) / (s * sqrt((n * W_i - W_i**2) / (n - 1)))

with ``n`` the number of cells (in the mask), ``ybar`` their mean, ``s`` their population standard
deviation and ``W_i = sum_j w_ij`` (smaller at the edge of the grid or of the mask). This is exactly
``esda.G_Local(y, w, star=True, transform="B").Zs`` (Ord & Getis 1995); the neighbour sums are a
correlation of the grid with the weights' footprint, done with ``scipy.ndimage`` for small
footprints and by FFT for large ones.

Weights:

* ``contiguity="queen"`` (default): the 3 x 3 block around the cell (``libpysal.weights.lat2W(rook=False)``);
* ``contiguity="rook"``: the cell and its 4 edge neighbours (``lat2W(rook=True)``);
* ``radius_cells=r``: every cell whose centre is within ``r`` cell sizes (``libpysal.weights.DistanceBand``
  on cell centres with threshold ``r * cell``, binary).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import ndimage, signal, special

from .errors import EngineError

_FFT_TAPS = 121  # footprints with more cells than this are convolved by FFT


@dataclass(frozen=True)
class GiStarResult:
    """Gi* output; every array has the grid's shape. Cells outside the mask have z = 0, p = 1."""

    z: np.ndarray
    """Gi* z-scores (``esda`` ``Zs``)."""
    p: np.ndarray
    """Two-sided normal p-values, ``2 * (1 - Phi(|z|))`` (``esda``'s ``p_norm`` is the one-sided half)."""
    hot: np.ndarray
    """Significant hot cells: z > 0 and p <= alpha (or Benjamini-Hochberg significant when ``fdr``)."""
    cold: np.ndarray
    """Significant cold cells: z < 0 and significant as above."""
    n: int
    """Number of cells used."""
    note: str = ""
    """Why the result is degenerate (e.g. a constant grid), empty otherwise."""


def footprint(*, radius_cells: float | None = None, contiguity: str = "queen") -> np.ndarray:
    """The weights' footprint (odd-sized 0/1 array centred on the cell, self included)."""
    if radius_cells is not None:
        try:
            r = float(radius_cells)
        except (TypeError, ValueError):
            raise EngineError(f"radius_cells must be a number of cells, got {radius_cells!r}")
        if not math.isfinite(r) or r < 0:
            raise EngineError(f"radius_cells must be a non-negative number of cells, got {radius_cells!r}")
        k = int(math.floor(r + 1e-9))
        d = np.arange(-k, k + 1)
        # a tiny tolerance so that centres exactly at the threshold count, as in DistanceBand
        return ((d[:, None] ** 2 + d[None, :] ** 2) <= r * r * (1 + 1e-12) + 1e-9).astype(float)
    if contiguity == "queen":
        return np.ones((3, 3))
    if contiguity == "rook":
        return np.array([[0.0, 1.0, 0.0], [1.0, 1.0, 1.0], [0.0, 1.0, 0.0]])
    raise EngineError(f"contiguity must be 'queen' or 'rook' (or give radius_cells), got {contiguity!r}")


def _neighbour_sum(a: np.ndarray, fp: np.ndarray) -> np.ndarray:
    if fp.size <= _FFT_TAPS:
        return ndimage.correlate(a, fp, mode="constant", cval=0.0)
    return signal.fftconvolve(a, fp[::-1, ::-1], mode="same")


def gi_star(
    values,
    *,
    radius_cells: float | None = None,
    contiguity: str = "queen",
    mask=None,
    alpha: float = 0.05,
    fdr: bool = False,
) -> GiStarResult:
    """Getis-Ord Gi* z-scores, p-values and significant hot/cold cells for a 2-D grid of values.

    Parameters
    ----------
    values : (ny, nx) finite numbers (counts, rates, densities ...).
    radius_cells : use a distance band of this many cells (self included) instead of contiguity.
    contiguity : "queen" or "rook" (ignored when ``radius_cells`` is given).
    mask : optional (ny, nx) boolean study area; cells outside are left out of the statistic entirely
        (as if the weights were built on the masked cells only).
    alpha : significance level for ``hot``/``cold``.
    fdr : control the false discovery rate (Benjamini-Hochberg over the masked cells) instead of
        testing each cell at ``alpha``.

    A constant grid has no spatial variation to test: the result is all zeros with ``note`` saying so.
    """
    try:
        y = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise EngineError("values must be a 2-D array of numbers")
    if y.ndim != 2 or y.size == 0:
        raise EngineError(f"values must be a non-empty 2-D grid, got shape {y.shape}")
    if not np.isfinite(y).all():
        raise EngineError("values must be finite (found NaN or infinity)")
    try:
        alpha = float(alpha)
    except (TypeError, ValueError):
        raise EngineError(f"alpha must be a number between 0 and 1, got {alpha!r}")
    if not 0 < alpha < 1:
        raise EngineError(f"alpha must be between 0 and 1, got {alpha!r}")
    if mask is None:
        m = np.ones(y.shape, dtype=bool)
    else:
        m = np.asarray(mask, dtype=bool)
        if m.shape != y.shape:
            raise EngineError(f"mask has shape {m.shape} but values have shape {y.shape}")
    fp = footprint(radius_cells=radius_cells, contiguity=contiguity)
    n = int(m.sum())
    if n < 2:
        raise EngineError("Gi* needs at least 2 cells in the study area")

    zeros = np.zeros(y.shape)
    ym = np.where(m, y, 0.0)
    ybar = ym.sum() / n
    s = math.sqrt(float(((ym - ybar) ** 2)[m].sum()) / n)
    if s <= 1e-12 * max(1.0, abs(ybar)):
        return GiStarResult(
            zeros,
            np.ones(y.shape),
            np.zeros(y.shape, bool),
            np.zeros(y.shape, bool),
            n,
            note="all cells have the same value, so there is no hot or cold spot to find (z = 0 everywhere)",
        )
    wsum = np.rint(_neighbour_sum(m.astype(float), fp))  # W_i: binary weights, so whole numbers
    lag = _neighbour_sum(ym, fp)  # sum_j w_ij y_j
    var = (n * wsum - wsum * wsum) / (n - 1)
    ok = m & (var > 0)
    z = np.zeros(y.shape)
    z[ok] = (lag[ok] - ybar * wsum[ok]) / (s * np.sqrt(var[ok]))
    note = ""
    if (m & ~ok).any():
        note = "some cells have every study cell as a neighbour; their z is set to 0"
    p = np.ones(y.shape)
    p[m] = 2.0 * special.ndtr(-np.abs(z[m]))
    sig = np.zeros(y.shape, dtype=bool)
    if fdr:
        sig[m] = benjamini_hochberg(p[m], alpha)
    else:
        sig = m & (p <= alpha)
    return GiStarResult(z, p, sig & (z > 0), sig & (z < 0), n, note)


def benjamini_hochberg(p, alpha: float = 0.05) -> np.ndarray:
    """Boolean array: which p-values are discoveries at false discovery rate ``alpha``."""
    p = np.asarray(p, dtype=float).ravel()
    n = p.size
    if n == 0:
        return np.zeros(0, dtype=bool)
    order = np.argsort(p, kind="stable")
    thresh = alpha * np.arange(1, n + 1) / n
    below = p[order] <= thresh
    out = np.zeros(n, dtype=bool)
    if below.any():
        k = int(np.flatnonzero(below)[-1])
        out[order[: k + 1]] = True
    return out
