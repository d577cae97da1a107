"""Short-term crime forecasting methods on a grid, behind one interface.

Every method is a :class:`Forecaster`::

    risk = forecaster.fit_predict(events_t, events_xy, grid, start)  # (ny, nx), higher = riskier

* ``events_t``: times as float days since 1970-01-01T00:00Z (or a ``datetime64`` array);
* ``events_xy``: ``(n, 2)`` projected metres;
* ``grid``: a :class:`~jingmin.analytics.engine.grid.Grid`;
* ``start``: the forecast origin (same time convention). **Only events with ``t < start`` are used**; the
  base class removes later ones before the method sees them, so no method can look ahead.

The risk surface is the method's expected number of events per cell in ``[start, start + horizon_days)``
(or a score proportional to it); only its order matters for hit rates.

Methods (``FORECASTERS`` maps the names):

``naive``      count of events per cell in the last ``window_days``.
``kde_decay``  prospective hot-spotting: a Gaussian KDE (``bandwidth`` metres) of past events, each
               weighted by ``exp(-age / time_scale_days)``.
``sepp``       the self-exciting point process of Mohler et al. (2015, JASA 110:1399): in cell ``n``,
               ``lambda_n(t) = mu_n + sum_{t_i < t, i in n} theta * omega * exp(-omega (t - t_i))``, fitted
               by expectation-maximisation on the last ``fit_days``.
``blend``      a weighted sum of the members' risk surfaces, each scaled to sum to one (default: equal
               parts naive, kde_decay and sepp).
"""

from __future__ import annotations

import abc
import math

import numpy as np

from .errors import EngineError
from .grid import Grid, as_days, as_xy
from .kde import grid_kde


class Forecaster(abc.ABC):
    """Base class: subclasses implement ``_predict`` on events already restricted to ``t < start``."""

    name = "base"

    def __init__(self, *, horizon_days: float = 7.0):
        self.horizon_days = _positive(horizon_days, "horizon_days")

    def fit_predict(self, events_t, events_xy, grid: Grid, start) -> np.ndarray:
        if not isinstance(grid, Grid):
            raise EngineError("grid must be a jingmin.analytics.engine.grid.Grid")
        t = np.asarray(as_days(events_t, name="events_t"), dtype=float).reshape(-1)
        xy = as_xy(events_xy, name="events_xy", allow_empty=True)
        if len(t) != len(xy):
            raise EngineError(f"events_t has {len(t)} times but events_xy has {len(xy)} points")
        start_arr = np.asarray(as_days(start, name="start"), dtype=float)
        if start_arr.size != 1:
            raise EngineError("start must be a single time")
        start = float(start_arr.reshape(-1)[0])
        past = t < start
        risk = self._predict(t[past], xy[past], grid, start)
        risk = np.asarray(risk, dtype=float)
        if risk.shape != grid.shape:  # pragma: no cover - guards subclasses
            raise EngineError(f"{self.name} returned shape {risk.shape}, expected {grid.shape}")
        return risk

    @abc.abstractmethod
    def _predict(self, t, xy, grid: Grid, start: float) -> np.ndarray:
        """The risk surface on ``grid`` from the events before ``start`` (each method defines it)."""

    def __repr__(self):
        params = ", ".join(f"{k}={v!r}" for k, v in sorted(vars(self).items()) if not k.startswith("_"))
        return f"{type(self).__name__}({params})"


def _positive(v, name: str) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise EngineError(f"{name} must be a positive number, got {v!r}")
    if not math.isfinite(f) or f <= 0:
        raise EngineError(f"{name} must be a positive number, got {v!r}")
    return f


# -------------------------------------------------------------------------------------------- naive
class NaiveCounts(Forecaster):
    """Events per cell in ``[start - window_days, start)``."""

    name = "naive"

    def __init__(self, *, window_days: float = 365.0, horizon_days: float = 7.0):
        super().__init__(horizon_days=horizon_days)
        self.window_days = _positive(window_days, "window_days")

    def _predict(self, t, xy, grid, start):
        recent = t >= start - self.window_days
        return grid.counts(xy[recent])


# ---------------------------------------------------------------------------------------- kde_decay
class KDEDecay(Forecaster):
    """Time-decayed kernel density ("prospective hot-spotting", Bowers, Johnson & Pease 2004).

    ``risk(c) = sum_i exp(-(start - t_i) / time_scale_days) * N(c - x_i; bandwidth)`` over events in the last
    ``window_days``. ``bandwidth=None`` uses half the grid's cell size. The defaults (half a cell, 60 days)
    were chosen on a tuning split (Minneapolis 2017 traffic stops, March-May) that is not the one reported
    in docs/performance-analytics.md.
    """

    name = "kde_decay"

    def __init__(
        self,
        *,
        bandwidth: float | None = None,
        time_scale_days: float = 60.0,
        window_days: float = 365.0,
        horizon_days: float = 7.0,
    ):
        super().__init__(horizon_days=horizon_days)
        self.bandwidth = None if bandwidth is None else _positive(bandwidth, "bandwidth")
        self.time_scale_days = _positive(time_scale_days, "time_scale_days")
        self.window_days = _positive(window_days, "window_days")

    def _predict(self, t, xy, grid, start):
        recent = t >= start - self.window_days
        if not recent.any():
            return np.zeros(grid.shape)
        age = start - t[recent]
        w = np.exp(-age / self.time_scale_days)
        bw = 0.5 * grid.cell if self.bandwidth is None else self.bandwidth
        return grid_kde(
            xy[recent], origin=grid.origin, cell=grid.cell, shape=grid.shape, bandwidth=bw, weights=w
        )


# --------------------------------------------------------------------------------------------- sepp
class SEPP(Forecaster):
    """Grid self-exciting point process (Mohler et al. 2015), fitted by EM.

    Model, for grid cell ``n`` (time in days)::

        lambda_n(t) = mu_n + sum_{i in n, t_i < t} theta * omega * exp(-omega * (t - t_i))

    ``mu_n`` is the cell's background rate (events/day), ``theta`` the expected number of events each event
    triggers in its own cell, ``1/omega`` the mean delay (days). EM (Mohler 2015, sec. 3): the E-step gives
    each event the probability that it was background or triggered by each earlier event in its cell; the
    M-step sets ``mu_n`` = expected background events in cell n / T, ``omega`` = triggered count / lag-weighted
    triggered count, ``theta`` = triggered count / expected offspring of the window's events (accounting for
    offspring that fall after the window's end).

    The sums over earlier events use the exponential kernel's structure: for a cell's events sorted in time,
    ``A_i = sum_{j<i} exp(-omega (t_i - t_j))`` is a running log-sum-exp (``numpy.logaddexp.accumulate``), so
    an EM iteration costs O(n) rather than O(pairs). Events at the same instant in the same cell do not
    trigger one another (only strictly earlier events do).

    After ``fit_predict``, ``self.params_`` holds ``theta``, ``omega``, ``mu`` (per cell), ``iterations``,
    ``loglik`` and ``converged``.
    """

    name = "sepp"

    def __init__(
        self,
        *,
        fit_days: float = 365.0,
        horizon_days: float = 7.0,
        max_iter: int = 200,
        tol: float = 1e-5,
        observed_from=None,
        omega_bounds: tuple[float, float] = (1e-3, 50.0),
        theta0: float = 0.2,
        omega0: float = 0.2,
    ):
        super().__init__(horizon_days=horizon_days)
        self.fit_days = _positive(fit_days, "fit_days")
        self.max_iter = int(max_iter)
        self.tol = float(tol)
        self.observed_from = None if observed_from is None else float(np.asarray(as_days(observed_from)))
        self.omega_bounds = (float(omega_bounds[0]), float(omega_bounds[1]))
        self.theta0 = float(theta0)
        self.omega0 = float(omega0)
        self.params_: dict | None = None

    def _predict(self, t, xy, grid, start):
        begin = start - self.fit_days
        if self.observed_from is not None:
            begin = max(begin, self.observed_from)
        elif len(t):
            begin = max(begin, float(t.min()))
        i, j, inside = grid.cell_index(xy)
        keep = inside & (t >= begin)
        cells = i[keep] * grid.nx + j[keep]
        T = start - begin
        if not keep.any() or T <= 0:
            self.params_ = {"theta": 0.0, "omega": self.omega0, "mu": np.zeros(grid.size), "iterations": 0}
            return np.zeros(grid.shape)
        fit = fit_sepp(t[keep] - begin, cells, T, n_cells=grid.size, **self._em_options())
        self.params_ = fit
        h = self.horizon_days
        # expected count in [start, start + h): background + first-generation offspring of past events
        lag = T - fit["atom_t"]
        om = fit["omega"]
        trig = fit["theta"] * fit["atom_m"] * (np.exp(-om * lag) - np.exp(-om * (lag + h)))
        risk = fit["mu"] * h + np.bincount(fit["atom_cell"], weights=trig, minlength=grid.size)
        return risk.reshape(grid.shape)

    def _em_options(self):
        return {
            "max_iter": self.max_iter,
            "tol": self.tol,
            "omega_bounds": self.omega_bounds,
            "theta0": self.theta0,
            "omega0": self.omega0,
        }


def _running_logsumexp(u: np.ndarray, group: np.ndarray, rank=None, same=None) -> np.ndarray:
    """``log sum_{b < a, group_b == group_a} exp(u_b)`` for each ``a`` (``-inf`` where there is none).

    ``u`` must be sorted by group. Groups are kept apart by adding ``rank * big`` to ``u``, with ``big`` larger
    than the spread of ``u`` plus ``log(n) + 50``, so that everything in earlier groups together is below
    ``exp(-50)`` times any single term of the current group; then one ``logaddexp.accumulate`` runs over
    everything in C. ``rank`` (group number 0, 1, ...) and ``same`` (``group[1:] == group[:-1]``) may be
    passed in when the grouping is reused.
    """
    n = len(u)
    out = np.full(n, -np.inf)
    if n < 2:
        return out
    finite = np.isfinite(u)
    if not finite.any():
        return out
    span = float(u[finite].max() - u[finite].min())
    if same is None:
        same = group[1:] == group[:-1]
    if rank is None:
        rank = np.cumsum(np.r_[0, ~same])
    big = span + math.log(n) + 50.0
    offset = rank * big
    shifted = np.where(finite, u + offset, -np.inf)
    acc = np.logaddexp.accumulate(shifted)
    out[1:] = np.where(same, acc[:-1] - offset[1:], -np.inf)
    return out


def fit_sepp(
    t,
    cells,
    T: float,
    *,
    n_cells: int | None = None,
    max_iter: int = 200,
    tol: float = 1e-5,
    omega_bounds: tuple[float, float] = (1e-3, 50.0),
    theta0: float = 0.2,
    omega0: float = 0.2,
) -> dict:
    """Fit the grid SEPP by EM to events at times ``t`` in ``[0, T)`` (days) in integer ``cells``.

    Returns a dict with ``theta``, ``omega`` (per day), ``mu`` (events/day per cell, length ``n_cells``),
    ``iterations``, ``converged``, ``loglik`` and the event "atoms" used for prediction (unique cell/time
    pairs: ``atom_cell``, ``atom_t``, ``atom_m`` multiplicity).
    """
    t = np.asarray(t, dtype=float).reshape(-1)
    cells = np.asarray(cells, dtype=np.int64).reshape(-1)
    if len(t) != len(cells):
        raise EngineError("t and cells must have the same length")
    if len(t) == 0:
        raise EngineError("fit_sepp needs at least one event")
    if not np.isfinite(t).all() or (t < 0).any() or (t >= T).any():
        raise EngineError("event times must lie in [0, T)")
    if n_cells is None:
        n_cells = int(cells.max()) + 1
    lo, hi = omega_bounds

    # atoms: unique (cell, time) with multiplicity, sorted by cell then time
    order = np.lexsort((t, cells))
    cs, ts = cells[order], t[order]
    new = np.r_[True, (cs[1:] != cs[:-1]) | (ts[1:] != ts[:-1])]
    starts = np.flatnonzero(new)
    a_cell, a_t = cs[starts], ts[starts]
    a_m = np.diff(np.r_[starts, len(cs)]).astype(float)
    log_m = np.log(a_m)
    log_t = np.log(np.maximum(a_t, 0.0), where=a_t > 0, out=np.full(len(a_t), -np.inf))
    n_events = a_m.sum()

    # atoms of cells holding two or more atoms: the only ones with earlier events in their cell
    atoms_per_cell = np.bincount(a_cell, minlength=n_cells)
    act = np.flatnonzero(atoms_per_cell[a_cell] >= 2)
    act_t, act_logm, act_logt = a_t[act], log_m[act], log_t[act]
    act_same = a_cell[act][1:] == a_cell[act][:-1]
    act_rank = np.cumsum(np.r_[0, ~act_same])

    counts = np.bincount(a_cell, weights=a_m, minlength=n_cells)
    mu = 0.5 * counts / T
    theta, omega = float(theta0), float(np.clip(omega0, lo, hi))
    loglik = -np.inf
    converged = False
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 - used after the loop
        # A = sum_j m_j exp(-omega (t - t_j)), C = sum_j m_j t_j exp(-omega (t - t_j)),
        # B = sum_j m_j (t - t_j) exp(-omega (t - t_j)) = t A - C, over earlier atoms j of the same cell;
        # only cells with two or more atoms have any such pairs
        A = np.zeros(len(a_t))
        B = np.zeros(len(a_t))
        if len(act):
            wt = omega * act_t
            la = _running_logsumexp(wt + act_logm, None, act_rank, act_same)
            lc = _running_logsumexp(wt + act_logm + act_logt, None, act_rank, act_same)
            A_act = np.exp(la - wt)
            A[act] = A_act
            B[act] = np.maximum(act_t * A_act - np.exp(lc - wt), 0.0)
        mu_a = mu[a_cell]
        trig = theta * omega * A
        lam = mu_a + trig
        lam_safe = np.where(lam > 0, lam, 1.0)
        p_bg = np.where(lam > 0, mu_a / lam_safe, 1.0)
        p_tr = np.where(lam > 0, trig / lam_safe, 0.0)
        new_loglik = float(
            (a_m * np.log(lam_safe)).sum()
            - mu.sum() * T
            - theta * (a_m * (1.0 - np.exp(-omega * (T - a_t)))).sum()
        )
        # M-step
        q = float((a_m * p_tr).sum())
        lagw = float((a_m * np.where(lam > 0, theta * omega * B / lam_safe, 0.0)).sum())
        new_mu = np.bincount(a_cell, weights=a_m * p_bg, minlength=n_cells) / T
        if q > 0 and lagw > 0:
            new_omega = float(np.clip(q / lagw, lo, hi))
        else:
            new_omega = omega
        expected_offspring = float((a_m * (1.0 - np.exp(-new_omega * (T - a_t)))).sum())
        new_theta = q / expected_offspring if expected_offspring > 0 else 0.0
        new_theta = float(min(new_theta, 0.999))
        # relative changes; omega's counts only in proportion to how much triggering there is (when
        # theta heads to zero, omega is unidentified and drifts without affecting the fit)
        change = max(
            abs(new_theta - theta) / max(theta, 1e-3),
            abs(new_omega - omega) / omega * min(1.0, theta / 1e-3),
            float(np.abs(new_mu - mu).sum() / max(mu.sum(), 1e-12)),
        )
        theta, omega, mu = new_theta, new_omega, new_mu
        loglik = new_loglik
        if change < tol:
            converged = True
            break
    return {
        "theta": theta,
        "omega": omega,
        "mu": mu,
        "iterations": it,
        "converged": converged,
        "loglik": loglik,
        "n_events": float(n_events),
        "atom_cell": a_cell,
        "atom_t": a_t,
        "atom_m": a_m,
    }


def simulate_sepp(mu, theta: float, omega: float, T: float, rng) -> tuple[np.ndarray, np.ndarray]:
    """Simulate the grid SEPP on ``[0, T)`` days by its branching structure.

    ``mu``: background rate per cell (events/day). Returns ``(t, cell)`` sorted by time. Used by the tests
    and benchmarks to check that :func:`fit_sepp` recovers known parameters.
    """
    mu = np.asarray(mu, dtype=float).reshape(-1)
    if not 0 <= theta < 1:
        raise EngineError("theta must be in [0, 1) for the process to be stable")
    nb = rng.poisson(mu * T)
    cell = np.repeat(np.arange(len(mu)), nb)
    t = rng.uniform(0, T, size=len(cell))
    all_t, all_c = [t], [cell]
    gen_t, gen_c = t, cell
    while len(gen_t):
        k = rng.poisson(theta, size=len(gen_t))
        pt = np.repeat(gen_t, k) + rng.exponential(1.0 / omega, size=int(k.sum()))
        pc = np.repeat(gen_c, k)
        keep = pt < T
        gen_t, gen_c = pt[keep], pc[keep]
        all_t.append(gen_t)
        all_c.append(gen_c)
    t = np.concatenate(all_t)
    c = np.concatenate(all_c)
    order = np.argsort(t, kind="stable")
    return t[order], c[order]


# -------------------------------------------------------------------------------------------- blend
class Blend(Forecaster):
    """Weighted sum of member forecasts, each scaled to sum to one over the grid.

    Default: equal parts ``naive``, ``kde_decay`` and ``sepp``: the long-run counts, a smoothed recent
    surface (helps sparse categories) and the process model's near-repeat boost. On the benchmark data
    it matched or beat its best member (docs/performance-analytics.md).
    """

    name = "blend"

    def __init__(self, members=None, weights=None, *, horizon_days: float = 7.0, observed_from=None):
        super().__init__(horizon_days=horizon_days)
        if members is None:
            members = [
                NaiveCounts(horizon_days=horizon_days),
                KDEDecay(horizon_days=horizon_days),
                SEPP(horizon_days=horizon_days, observed_from=observed_from),
            ]
        self.members = list(members)
        if not self.members or not all(isinstance(m, Forecaster) for m in self.members):
            raise EngineError("blend members must be a non-empty list of forecasters")
        if weights is None:
            weights = [1.0] * len(self.members)
        w = np.asarray(weights, dtype=float)
        if w.shape != (len(self.members),) or not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
            raise EngineError("blend weights must be one non-negative number per member, not all zero")
        self.weights = list(w / w.sum())

    def _predict(self, t, xy, grid, start):
        out = np.zeros(grid.shape)
        for member, w in zip(self.members, self.weights, strict=True):
            r = member._predict(t, xy, grid, start)
            total = r.sum()
            if total > 0:
                out += w * r / total
        return out


FORECASTERS: dict[str, type[Forecaster]] = {
    "naive": NaiveCounts,
    "kde_decay": KDEDecay,
    "sepp": SEPP,
    "blend": Blend,
}


def make_forecaster(name: str, *, horizon_days: float = 7.0, observed_from=None, **options) -> Forecaster:
    """A forecaster by name (see ``FORECASTERS``) with its default settings, overridden by ``options``."""
    if name not in FORECASTERS:
        raise EngineError(f"unknown forecast method {name!r}; choose from {', '.join(FORECASTERS)}")
    cls = FORECASTERS[name]
    if cls in (SEPP, Blend):
        options.setdefault("observed_from", observed_from)
    try:
        return cls(horizon_days=horizon_days, **options)
    except TypeError as exc:
        raise EngineError(f"bad options for {name}: {exc}")
