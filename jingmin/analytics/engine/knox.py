"""Knox test for space-time clustering (near repeats), with Monte-Carlo p-values.

For every pair of events closer than the largest space band, the pair falls into the space band of its
distance and the time band of its separation in days. The observed count of pairs in each (space, time)
band is compared with the counts after randomly permuting the event times among the locations
(``n_perm`` times), which keeps the spatial pattern and the time series but breaks any link between
them (Johnson et al. 2007, "Space-time patterns of risk"; the method of the Near Repeat Calculator).

* ``expected`` is the mean permuted count, ``ratio = observed / expected`` (the "Knox ratio");
* ``p_value = (1 + #{permutations with count >= observed}) / (n_perm + 1)`` (one-sided, for excess).

Bands are given by their edges: ``space_bands=[0, 100, 200, 400]`` means ``[0, 100)``, ``[100, 200)`` and
``[200, 400)`` metres; ``time_bands=[0, 7, 14, 28]`` likewise in days. Pairs further apart than the last
edge in space or time are not counted.

Memory: only pairs within the largest distance are enumerated (``scipy.spatial.cKDTree.query_pairs``),
stored as 32-bit indices with a 1-byte band, and permutations run over them in chunks; the number of
pairs is counted first and refused above ``max_pairs``. 20,000 events in a city with bands up to a few
hundred metres make a few hundred thousand to a few million pairs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from .errors import EngineError
from .grid import as_days, as_xy

DEFAULT_MAX_PAIRS = 50_000_000
_PAIR_CHUNK = 4_000_000


@dataclass(frozen=True)
class KnoxResult:
    space_bands: np.ndarray
    """Space band edges in metres (S + 1 values)."""
    time_bands: np.ndarray
    """Time band edges in days (T + 1 values)."""
    observed: np.ndarray
    """(S, T) observed pair counts."""
    expected: np.ndarray
    """(S, T) mean count over the permutations."""
    ratio: np.ndarray
    """(S, T) observed / expected; 0 where both are 0, and ``observed * n_perm`` where no permutation
    produced a pair (the smallest expectation the permutations can resolve is 1 / n_perm)."""
    p_value: np.ndarray
    """(S, T) one-sided Monte-Carlo p-values for an excess of pairs."""
    n_perm: int
    n_pairs: int
    """Pairs within the largest space band (any time separation)."""

    def table(self) -> list[dict]:
        """One dict per (space, time) band, for JSON output."""
        rows = []
        for s in range(len(self.space_bands) - 1):
            for k in range(len(self.time_bands) - 1):
                rows.append(
                    {
                        "distance_m": [float(self.space_bands[s]), float(self.space_bands[s + 1])],
                        "days": [float(self.time_bands[k]), float(self.time_bands[k + 1])],
                        "observed": int(self.observed[s, k]),
                        "expected": float(self.expected[s, k]),
                        "ratio": float(self.ratio[s, k]),
                        "p_value": float(self.p_value[s, k]),
                    }
                )
        return rows


def _edges(edges, name: str, unit: str) -> np.ndarray:
    try:
        e = np.asarray(edges, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise EngineError(f"{name} must be a list of increasing band edges in {unit}")
    if len(e) < 2:
        raise EngineError(f"{name} needs at least two edges (one band), e.g. [0, 100] {unit}")
    if not np.isfinite(e).all() or (e < 0).any():
        raise EngineError(f"{name} must be finite, non-negative {unit}")
    if (np.diff(e) <= 0).any():
        raise EngineError(f"{name} must be strictly increasing, got {list(e)}")
    return e


def _band(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Band index for each value, -1 when outside ``[edges[0], edges[-1])``."""
    idx = np.searchsorted(edges, values, side="right") - 1
    idx[(values < edges[0]) | (values >= edges[-1])] = -1
    return idx


def knox(
    times,
    xy,
    *,
    space_bands,
    time_bands,
    n_perm: int = 99,
    rng=None,
    max_pairs: float = DEFAULT_MAX_PAIRS,
) -> KnoxResult:
    """Knox space-time interaction test; see the module docstring.

    ``times`` in float days (or datetime64), ``xy`` projected metres, ``rng`` a ``numpy.random.Generator``
    or seed (default: fresh entropy).
    """
    t = np.asarray(as_days(times, name="times"), dtype=float).reshape(-1)
    xy = as_xy(xy)
    if len(t) != len(xy):
        raise EngineError(f"times has {len(t)} values but xy has {len(xy)} points")
    if len(t) < 2:
        raise EngineError("the Knox test needs at least two events")
    s_edges = _edges(space_bands, "space_bands", "metres")
    t_edges = _edges(time_bands, "time_bands", "days")
    try:
        n_perm = int(n_perm)
    except (TypeError, ValueError):
        raise EngineError(f"n_perm must be a whole number, got {n_perm!r}")
    if n_perm < 1:
        raise EngineError("n_perm must be at least 1")
    if len(s_edges) > 128:
        raise EngineError("at most 127 space bands")
    rng = np.random.default_rng(rng)

    tree = cKDTree(xy)
    rmax = float(s_edges[-1])
    # count first (cheap), so that a too-dense set is refused before the pairs are built
    n_within = (int(tree.count_neighbors(tree, np.nextafter(rmax, 0))) - len(xy)) // 2
    if n_within > max_pairs:
        raise EngineError(
            f"{n_within:,} event pairs lie within {rmax:g} m, more than the limit of {int(max_pairs):,}; "
            "use smaller space bands or fewer events"
        )
    pairs = tree.query_pairs(np.nextafter(rmax, 0), output_type="ndarray")  # distance < rmax
    n_pairs = len(pairs)
    i = pairs[:, 0].astype(np.int32)
    j = pairs[:, 1].astype(np.int32)
    del pairs
    d = np.hypot(xy[i, 0] - xy[j, 0], xy[i, 1] - xy[j, 1])
    sband = _band(d, s_edges).astype(np.int8)
    keep = sband >= 0
    i, j, sband = i[keep], j[keep], sband[keep]
    del d
    n_s, n_t = len(s_edges) - 1, len(t_edges) - 1

    def counts(tt: np.ndarray) -> np.ndarray:
        out = np.zeros(n_s * n_t, dtype=np.int64)
        for a in range(0, len(i), _PAIR_CHUNK):
            sl = slice(a, a + _PAIR_CHUNK)
            tb = _band(np.abs(tt[i[sl]] - tt[j[sl]]), t_edges)
            ok = tb >= 0
            out += np.bincount(sband[sl][ok].astype(np.int64) * n_t + tb[ok], minlength=n_s * n_t)
        return out.reshape(n_s, n_t)

    observed = counts(t)
    total = np.zeros((n_s, n_t))
    ge = np.zeros((n_s, n_t), dtype=np.int64)
    for _ in range(n_perm):
        c = counts(t[rng.permutation(len(t))])
        total += c
        ge += c >= observed
    expected = total / n_perm
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, observed / np.where(expected > 0, expected, 1.0), 0.0)
    # when no permutation produced a pair in a band but some were observed, the ratio is unbounded;
    # report it against the smallest resolvable expectation (one pair in all permutations)
    unresolved = (expected == 0) & (observed > 0)
    ratio[unresolved] = observed[unresolved] * n_perm
    p = (1.0 + ge) / (n_perm + 1.0)
    return KnoxResult(s_edges, t_edges, observed, expected, ratio, p, n_perm, int(n_pairs))


def near_repeat_flags(result: KnoxResult, *, alpha: float = 0.05, min_ratio: float = 1.0) -> dict:
    """Which (distance, days) bands show significant near-repeat excess.

    Returns ``{"bands": [...], "distance_m": D, "days": T}``: ``bands`` lists each flagged band
    (``p_value <= alpha`` and ``ratio > min_ratio``) with its edges, ratio and p-value; ``distance_m`` and
    ``days`` are the extent of the near-repeat window — the upper edges of the flagged bands that are
    connected to the closest band ``[0, ·) x [0, ·)`` (``None`` when that band itself is not flagged).
    Use them with :func:`flag_events` to mark new events that are near repeats.
    """
    if not 0 < alpha < 1:
        raise EngineError(f"alpha must be between 0 and 1, got {alpha!r}")
    flagged = (result.p_value <= alpha) & (result.ratio > min_ratio)
    bands = [row for row, f in zip(result.table(), flagged.ravel(), strict=True) if f]
    distance = days = None
    if flagged[0, 0]:
        # grow the window from the origin band through flagged neighbours (4-connectivity)
        seen = np.zeros_like(flagged)
        stack = [(0, 0)]
        while stack:
            s, k = stack.pop()
            if seen[s, k] or not flagged[s, k]:
                continue
            seen[s, k] = True
            for ds, dk in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                a, b = s + ds, k + dk
                if 0 <= a < flagged.shape[0] and 0 <= b < flagged.shape[1]:
                    stack.append((a, b))
        srow, tcol = np.nonzero(seen)
        distance = float(result.space_bands[srow.max() + 1])
        days = float(result.time_bands[tcol.max() + 1])
    return {"bands": bands, "distance_m": distance, "days": days}


def flag_events(times, xy, *, distance_m: float, days: float) -> np.ndarray:
    """Boolean per event: an earlier event lies within ``distance_m`` metres and ``days`` days before it.

    These are the events a near-repeat alert would have been raised for (time difference in ``(0, days]``,
    distance ``< distance_m``).
    """
    t = np.asarray(as_days(times, name="times"), dtype=float).reshape(-1)
    xy = as_xy(xy)
    if len(t) != len(xy):
        raise EngineError(f"times has {len(t)} values but xy has {len(xy)} points")
    if not (math.isfinite(distance_m) and distance_m > 0 and math.isfinite(days) and days > 0):
        raise EngineError("distance_m and days must be positive numbers")
    out = np.zeros(len(t), dtype=bool)
    if len(t) < 2:
        return out
    pairs = cKDTree(xy).query_pairs(np.nextafter(distance_m, 0), output_type="ndarray")
    if len(pairs) == 0:
        return out
    a, b = pairs[:, 0], pairs[:, 1]
    dt_ = t[b] - t[a]
    later_b = (dt_ > 0) & (dt_ <= days)
    later_a = (-dt_ > 0) & (-dt_ <= days)
    out[b[later_b]] = True
    out[a[later_a]] = True
    return out
