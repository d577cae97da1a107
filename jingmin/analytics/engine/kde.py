"""Gaussian kernel density on a grid: Lagrange binning + FFT convolution, with an exact reference.

``grid_kde`` returns, for every cell centre ``c``, ``sum_k w_k * N(c - xy_k; 0, bandwidth^2 I)`` in weight per
square metre (the grid layout is described in :mod:`jingmin.analytics.engine.grid`).

How it is computed (the binned path, ``method="fft"``):

1. The grid is refined by an integer factor ``s`` (fine spacing ``h = cell / s``; the fine nodes include
   every cell centre) and padded by the kernel radius ``truncate * bandwidth`` so that points outside the
   grid still reach the cells near its edge.
2. Each point's weight is spread over the p x p fine nodes around it with p-point Lagrange weights
   (p = 4, cubic, or p = 6, quintic). The result at a cell centre then equals the Lagrange interpolant of
   the kernel at the point, whose error has one sign between two nodes; the convolution kernel is
   corrected by a small multiple of its p-th derivative to centre that error (``_kernel_half``), which
   halves it. ``s`` is the least refinement whose 2-D error bound (``_binning``, ``_ORDERS``) is ``TOL`` =
   0.1 % of a point's own kernel peak (of its value at the nearest centre when the bandwidth is small
   against the cell); p = 6 is used only when it allows a smaller ``s``. On a 50 m grid that is s = 1 from
   about 140 m, s = 2 at 100 m and s = 3 at 50 m. Weights sum to one, so mass is conserved.
3. The binned grid is convolved with the truncated Gaussian, one axis at a time (the kernel is
   separable), by real FFTs; only the columns and then the rows that are cell centres are kept. The fine
   grid is never built whole: points are sorted by fine row and the grid is processed in strips of output
   rows (each strip bins the points within its rows plus the kernel radius), so memory is the output,
   a few arrays per point and one strip, whatever ``s``. Tiny negative values (Lagrange weights can be
   negative) are clipped to zero.

When the bandwidth is small against the cell (or the work is small), the "direct" path evaluates the
truncated kernel exactly at the centres within reach of each point (vectorised, in chunks).
``method="auto"`` picks the cheaper path by a cost estimate (``_plan``).

Points further than ``truncate * bandwidth`` (default 6 standard deviations, along either axis) from
the grid contribute nothing; the exact value they would add is below ``1.6e-8`` of their own peak.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.fft as sfft

from .errors import EngineError
from .grid import DEFAULT_MAX_CELLS, Grid, as_weights, as_xy, check_grid_size

TOL = 1e-3
"""Error bound of the binned path, as a fraction of one point's kernel peak (see ``_binning``)."""

_ORDERS = {4: 0.0234375 * 3.0 * 0.55, 6: 0.0048828125 * 15.0 * 0.55}
"""Stencil size p -> error constant of the corrected p-point Lagrange binning, per axis and per unit kernel
peak: ``_ORDERS[p] * (h / sigma)^p``. Plain Lagrange interpolation errs by ``C_p (h / sigma)^p He_p(u)`` times
the kernel's local value, with ``C_p = max |prod (t - k)| / p!`` (at ``t = 1/2``) and ``|He_p| <= He_p(0)``
(3 for p = 4, 15 for p = 6) near the peak; the error polynomial ``prod (t - k)`` has one sign on the
central interval, so convolving with the corrected kernel ``K (1 + _CORR[p] (h / sigma)^p He_p)``
(``_kernel_half``) centres it and halves the leading term; 0.55 instead of 0.5 leaves room for the
higher-order terms (checked numerically up to ``h / sigma = 1/2`` in the tests)."""

_CORR = {4: 0.0234375 / 2, 6: -0.0048828125 / 2}
"""Half the extreme of ``prod (t - k) / p!`` over the central interval, with its sign."""

MAX_FINE_CELLS = 60_000_000
"""Largest padded fine grid the binned path accepts. It is processed in strips, so memory stays small
whatever its size; the limit bounds the time. Beyond it the direct path is used."""

MAX_DIRECT_OPS = 400_000_000
"""Largest number of point x cell-centre kernel evaluations the direct path accepts."""

SMALL_DIRECT_OPS = 2_000_000
"""``method="auto"`` takes the exact direct path whenever it needs at most this many kernel evaluations."""

_STRIP_NODES = 1 << 21  # fine nodes per strip (16 MB of float64; the FFT's complex copy is about as large)
_BIN_ENTRIES = 1 << 20  # scatter-adds per bincount call (8 MB of indices + 8 MB of weights)
_SQRT_2PI = math.sqrt(2.0 * math.pi)
_WORKERS = 1  # FFT threads


def grid_kde(
    xy,
    *,
    origin,
    cell,
    shape,
    bandwidth,
    weights=None,
    max_cells: float = DEFAULT_MAX_CELLS,
    truncate: float = 6.0,
    method: str = "auto",
) -> np.ndarray:
    """Gaussian kernel density at the cell centres of a grid.

    Parameters
    ----------
    xy : (n, 2) array of projected coordinates in metres (points may lie outside the grid).
    origin : (x0, y0), the grid's lower-left corner in metres.
    cell : cell size in metres.
    shape : (ny, nx).
    bandwidth : standard deviation of the isotropic Gaussian kernel, metres.
    weights : optional non-negative weight per point (default 1).
    max_cells : refuse grids with more than this many cells (memory guard).
    truncate : kernel radius in standard deviations (per axis).
    method : "auto", "fft" or "direct".

    Returns
    -------
    (ny, nx) float64 array of density in weight per square metre; ``out.sum() * cell**2`` is close to the
    total weight of points well inside the grid.
    """
    grid = Grid(origin, cell, shape)
    check_grid_size(grid.shape, max_cells)
    xy = as_xy(xy)
    w = as_weights(weights, len(xy))
    sigma = _as_bandwidth(bandwidth)
    truncate = float(truncate)
    if not math.isfinite(truncate) or truncate < 3:
        raise EngineError(f"truncate must be at least 3 standard deviations, got {truncate!r}")
    if method not in ("auto", "fft", "direct"):
        raise EngineError(f"method must be 'auto', 'fft' or 'direct', got {method!r}")

    radius = truncate * sigma
    if w is not None:
        if not w.any():
            return np.zeros(grid.shape)
        if not w.all():  # zero weights contribute nothing: drop them
            xy, w = xy[w > 0], w[w > 0]

    plan = _plan(grid, len(xy), sigma, radius)
    if method == "auto":
        method = plan["best"]
    if method == "fft":
        if plan["fine_cells"] > MAX_FINE_CELLS:
            raise EngineError(
                f"bandwidth {sigma:g} m is too small for {grid.cell:g} m cells on a {grid.ny} x {grid.nx} grid "
                f"(the refined grid would need {plan['fine_cells']:,} nodes); use method='direct' or 'auto'"
            )
        return _kde_binned(grid, xy, w, sigma, radius, plan["p"], plan["s"])
    xy, w = _within_reach(grid, xy, w, radius)
    if len(xy) == 0:
        return np.zeros(grid.shape)
    if len(xy) * plan["direct_ops"] / max(plan["n"], 1) > MAX_DIRECT_OPS:
        raise EngineError(
            f"too much work for a kernel of {sigma:g} m on {grid.cell:g} m cells with {len(xy):,} points "
            f"({plan['direct_ops']:,} kernel evaluations); use a larger cell size or fewer points"
        )
    return _kde_direct(grid, xy, w, sigma, radius)


def kde_exact(xy, *, origin, cell, shape, bandwidth, weights=None, max_cells: float = DEFAULT_MAX_CELLS):
    """Reference: the exact, untruncated sum ``sum_k w_k N(c - xy_k)`` at every cell centre.

    Uses the kernel's separability, ``D = Ky^T diag(w) Kx`` with dense ``Ky`` (n x ny) and ``Kx`` (n x nx),
    evaluated in chunks of points (cost n * ny * nx multiply-adds, done by BLAS). Meant for tests and
    benchmarks, not for production grids.
    """
    grid = Grid(origin, cell, shape)
    check_grid_size(grid.shape, max_cells)
    xy = as_xy(xy)
    w = as_weights(weights, len(xy))
    sigma = _as_bandwidth(bandwidth)
    cx, cy = grid.centres()
    out = np.zeros(grid.shape)
    chunk = max(1, 4_000_000 // (grid.nx + grid.ny))
    norm = 1.0 / (2.0 * math.pi * sigma * sigma)
    for a in range(0, len(xy), chunk):
        p = xy[a : a + chunk]
        kx = np.exp(-0.5 * ((cx[None, :] - p[:, :1]) / sigma) ** 2)
        ky = np.exp(-0.5 * ((cy[None, :] - p[:, 1:]) / sigma) ** 2)
        if w is not None:
            ky = ky * w[a : a + chunk, None]
        out += ky.T @ kx
    return out * norm


# ------------------------------------------------------------------------------------------ helpers
def _as_bandwidth(bandwidth) -> float:
    try:
        sigma = float(bandwidth)
    except (TypeError, ValueError):
        raise EngineError(f"bandwidth must be a number of metres, got {bandwidth!r}")
    if not math.isfinite(sigma) or sigma <= 0:
        raise EngineError(f"bandwidth must be a positive number of metres, got {bandwidth!r}")
    return sigma


def _within_reach(grid: Grid, xy, w, radius):
    x0, y0, x1, y1 = grid.extent
    keep = (
        (xy[:, 0] >= x0 - radius)
        & (xy[:, 0] <= x1 + radius)
        & (xy[:, 1] >= y0 - radius)
        & (xy[:, 1] <= y1 + radius)
    )
    if w is not None:
        keep &= w > 0
    if keep.all():
        return xy, w
    return xy[keep], (None if w is None else w[keep])


def _binning(cell: float, sigma: float) -> list[tuple[int, int]]:
    """Candidate (p, s) pairs: stencil size p and the least refinement s (fine spacing ``h = cell / s``)
    whose error bound is at most ``TOL``.

    Along one axis, p-point Lagrange binning reproduces the kernel with an error of at most
    ``C_p (h / sigma)^p |He_p(u)|`` times the kernel's local value at ``u = offset / sigma``
    (``He_p`` the Hermite polynomial; ``|He_p|`` is largest at 0 for small u: 3 for p = 4, 15 for p = 6);
    the error of the 2-D product is at most twice that. A point inside the grid is at most half a cell
    from the nearest centre along each axis, so the bound uses ``max |He_p|`` over
    ``[0, cell / (2 sigma)]``: TOL of the kernel's peak when the bandwidth is a cell or more, and
    of the value at the nearest centre when it is small against the cell.
    """
    u = np.linspace(0.0, cell / (2.0 * sigma), 65)
    out = []
    for p, c in _ORDERS.items():
        he = np.polynomial.hermite_e.hermeval(u, [0] * p + [1])
        H = max(1.0, float(np.abs(he).max()) / abs(he[0]))
        ratio = (TOL / (2.0 * c * H)) ** (1.0 / p)  # largest h / sigma meeting the bound
        out.append((p, max(1, math.ceil(cell / (ratio * sigma) - 1e-9))))
    return out


def _plan(grid: Grid, n: int, sigma: float, radius: float) -> dict:
    # the least refinement (the stencil size never depends on the points, so that results scale exactly
    # with the weights), the 4-point stencil when both need the same
    p, s = min(_binning(grid.cell, sigma), key=lambda ps: (ps[1], ps[0]))
    h = grid.cell / s
    pad = math.ceil(radius / h) + p // 2 + 1
    fine = (grid.ny * s + 2 * pad) * (grid.nx * s + 2 * pad)
    # Rough costs in nanoseconds on the reference machine (bench/kde.py): a scatter-add of the binning
    # ~2 when the grid is small enough for per-node bincounts (see _kde_binned), else ~7; ~10 per fine
    # node for the two FFT passes and the strip buffers; plus a fixed overhead.
    scatter = 2 if fine <= 4 * (_BIN_ENTRIES // (p * p)) else 7
    cost = scatter * p * p * n + 10 * fine + 200_000 if fine <= MAX_FINE_CELLS else math.inf
    best_binned = {"p": p, "s": s, "pad": pad, "fine_cells": fine, "cost": cost}
    mx = min(grid.nx, math.ceil(2 * radius / grid.cell) + 1)
    my = min(grid.ny, math.ceil(2 * radius / grid.cell) + 1)
    direct_ops = n * mx * my
    # a direct kernel evaluation (two exps shared per row/column, one product, one scatter-add): ~7 ns
    direct_cost = 7 * direct_ops if direct_ops <= MAX_DIRECT_OPS else math.inf
    best = "fft" if best_binned["cost"] <= direct_cost else "direct"
    if direct_ops <= SMALL_DIRECT_OPS:
        best = "direct"  # a few milliseconds at most, and exact
    if math.isinf(best_binned["cost"]) and math.isinf(direct_cost):
        best = "direct" if direct_ops <= best_binned["fine_cells"] else "fft"
    return {**best_binned, "direct_ops": direct_ops, "best": best, "n": n}


def _lagrange_weights(t: np.ndarray, p: int) -> np.ndarray:
    """(p, m) Lagrange weights of the nodes ``-(p/2 - 1) .. p/2`` at fractional positions ``t`` in [0, 1)."""
    ks = range(1 - p // 2, p // 2 + 1)
    diffs = [t - k for k in ks]
    out = np.empty((p, len(t)))
    for a, k in enumerate(ks):
        others = [b for b, m in enumerate(ks) if m != k]
        np.multiply(diffs[others[0]], diffs[others[1]], out=out[a])
        for b in others[2:]:
            out[a] *= diffs[b]
        out[a] *= 1.0 / math.prod(k - m for m in ks if m != k)
    return out


def _kde_binned(grid: Grid, xy, w, sigma: float, radius: float, p: int, s: int) -> np.ndarray:
    """The "fft" path: Lagrange binning on a fine grid and separable FFT convolution, in row strips.

    The padded fine grid (spacing ``h = cell / s``; fine node k at ``x0 + (k - pad + off) h``) is never
    built whole: points are sorted by fine row, and each strip of output rows bins only the points whose
    stencil reaches its fine rows (plus the kernel radius), convolves along x (keeping the cell-centre
    columns) and then along y (keeping the cell-centre rows). Memory is the output plus a few per-point
    arrays and one strip (``_STRIP_NODES``), whatever the refinement.
    """
    h = grid.cell / s
    L = math.ceil(radius / h)
    q = p // 2
    pad = L + q + 1
    ny, nx = grid.shape
    nxf = nx * s + 2 * pad
    off = 0.5 * (s % 2)
    x0, y0 = grid.origin
    ux = (xy[:, 0] - x0) * (1.0 / h) + (pad - off)
    uy = (xy[:, 1] - y0) * (1.0 / h) + (pad - off)
    # points further than `radius` from the grid contribute nothing; the stencils of the others
    # (nodes base - q + 1 .. base + q) stay inside the padded grid
    lo = pad - off - radius / h
    keep = (
        (ux >= lo) & (ux <= lo + nx * s + 2 * radius / h) & (uy >= lo) & (uy <= lo + ny * s + 2 * radius / h)
    )
    if not keep.all():
        ux, uy = ux[keep], uy[keep]
        w = None if w is None else w[keep]
    out = np.zeros(grid.shape)
    if len(ux) == 0:
        return out
    by = np.floor(uy).astype(np.intp)
    # sort by fine row (a radix sort when the rows fit in 16 bits)
    if by.max() < 65536:
        order = np.argsort(by.astype(np.uint16), kind="stable")
    else:
        order = np.argsort(by)
    by = by[order]
    ty = uy[order] - by
    del uy
    ux = ux[order]
    bx = np.floor(ux).astype(np.intp)
    tx = ux - bx
    del ux
    w = None if w is None else w[order]
    del order

    half = _kernel_half(L, h / sigma, p) / (sigma * _SQRT_2PI)
    nfx = sfft.next_fast_len(nxf, real=True)
    kfx = _kernel_spectrum(half, nfx)
    cols = pad + np.arange(nx) * s + s // 2  # fine columns that are cell centres

    # strips of B output rows: fine rows g0 .. g0 + gr - 1 hold every stencil row of the points that
    # reach rows rc(i0) - L .. rc(i1 - 1) + L, with rc(i) = pad + i s + s // 2 the centre rows
    B = max(1, (_STRIP_NODES // nxf - 2 * L - 4 * q) // s)
    B = min(ny, B)
    B = math.ceil(ny / math.ceil(ny / B))  # even strips
    nfy = sfft.next_fast_len((B - 1) * s + 2 * L + 4 * q + 1, real=True)
    kfy = _kernel_spectrum(half, nfy)[:, None]
    shifts = (np.arange(p)[:, None] * nfx + np.arange(p)[None, :]).reshape(-1, 1)
    chunk = max(1, _BIN_ENTRIES // (p * p))
    for i0 in range(0, ny, B):
        i1 = min(ny, i0 + B)
        r_lo = pad + i0 * s + s // 2 - L
        r_hi = pad + (i1 - 1) * s + s // 2 + L
        g0 = r_lo - 2 * q
        gr = r_hi + 2 * q + 1 - g0
        a = np.searchsorted(by, r_lo - q, "left")
        b = np.searchsorted(by, r_hi + q - 1, "right")
        G = np.zeros((gr, nfx))  # rows padded to the FFT length: rfft needs no copy
        flat = G.reshape(-1)
        for c0 in range(a, b, chunk):
            c1 = min(b, c0 + chunk)
            wy = _lagrange_weights(ty[c0:c1], p)
            if w is not None:
                wy *= w[c0:c1]
            wx = _lagrange_weights(tx[c0:c1], p)
            base = (by[c0:c1] - (g0 + q - 1)) * nfx + (bx[c0:c1] - (q - 1))
            if flat.size <= 4 * (c1 - c0):
                # small strip (it stays in cache): one bincount per stencil node, added shifted
                for sh, dy, dx in zip(shifts.ravel(), *np.divmod(np.arange(p * p), p), strict=True):
                    flat[sh:] += np.bincount(base, weights=wy[dy] * wx[dx], minlength=flat.size - sh)
            else:
                # large strip: scatter all p * p stencil nodes in place
                idx = (base[None, :] + shifts).reshape(-1)
                np.add.at(flat, idx, (wy[:, None, :] * wx[None, :, :]).reshape(-1))
        f = sfft.rfft(G, nfx, axis=1, workers=_WORKERS)
        del G, flat
        f *= kfx
        T = np.zeros((nfy, nx))
        T[:gr] = sfft.irfft(f, nfx, axis=1, workers=_WORKERS)[:, cols]
        del f
        f = sfft.rfft(T, nfy, axis=0, workers=_WORKERS)
        del T
        f *= kfy
        rows = pad + np.arange(i0, i1) * s + s // 2 - g0
        out[i0:i1] = sfft.irfft(f, nfy, axis=0, workers=_WORKERS)[rows]
        del f
    # FFT round-off leaves values of order 1e-16 x peak where the density is (near) zero, and Lagrange
    # weights can dip slightly below zero in the tails: snap both to exact zero so that empty cells tie.
    out[out < 1e-12 * out.max()] = 0.0
    return out


def _kernel_half(L: int, r: float, p: int) -> np.ndarray:
    """Corrected kernel samples ``exp(-u^2 / 2) (1 + _CORR[p] r^p He_p(u))`` at ``u = j r``, ``j = 0 .. L``.

    The correction is a multiple of the kernel's p-th derivative, which sums to zero over the samples, so
    mass is unchanged (to round-off for ``r <= 1/2``).
    """
    u = np.arange(L + 1) * r
    he = np.polynomial.hermite_e.hermeval(u, [0] * p + [1])
    return np.exp(-0.5 * u * u) * (1.0 + _CORR[p] * r**p * he)


def _kernel_spectrum(half: np.ndarray, nfft: int) -> np.ndarray:
    """Real spectrum of the even kernel ``half[|j|]`` (``|j| <= L``) placed circularly on ``nfft`` points."""
    L = len(half) - 1
    k = np.zeros(nfft)
    k[: L + 1] = half
    k[nfft - L :] = half[1:][::-1]
    return sfft.rfft(k).real.copy()


def _kde_direct(grid: Grid, xy, w, sigma: float, radius: float) -> np.ndarray:
    ny, nx = grid.shape
    x0, y0 = grid.origin
    c = grid.cell
    mx = min(nx, math.ceil(2 * radius / c) + 1)
    my = min(ny, math.ceil(2 * radius / c) + 1)
    norm = 1.0 / (2.0 * math.pi * sigma * sigma)
    out = np.zeros(ny * nx)
    chunk = max(1, 4_000_000 // (mx * my))
    ax = np.arange(mx)
    ay = np.arange(my)
    for a in range(0, len(xy), chunk):
        p = xy[a : a + chunk]
        jlo = np.ceil((p[:, 0] - radius - x0) / c - 0.5).astype(np.int64)
        ilo = np.ceil((p[:, 1] - radius - y0) / c - 0.5).astype(np.int64)
        jlo = np.clip(jlo, 0, max(0, nx - mx))
        ilo = np.clip(ilo, 0, max(0, ny - my))
        j = jlo[:, None] + ax[None, :]  # (m, mx)
        i = ilo[:, None] + ay[None, :]  # (m, my)
        dx = (x0 + (j + 0.5) * c - p[:, :1]) / sigma
        dy = (y0 + (i + 0.5) * c - p[:, 1:]) / sigma
        kx = np.where(np.abs(dx) <= radius / sigma, np.exp(-0.5 * dx * dx), 0.0)
        ky = np.where(np.abs(dy) <= radius / sigma, np.exp(-0.5 * dy * dy), 0.0)
        if w is not None:
            ky *= w[a : a + chunk, None]
        vals = ky[:, :, None] * kx[:, None, :]  # (m, my, mx)
        idx = i[:, :, None] * nx + j[:, None, :]
        out += np.bincount(idx.ravel(), weights=vals.ravel(), minlength=out.size)
    return (out * norm).reshape(ny, nx)
