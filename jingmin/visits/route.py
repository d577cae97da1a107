"""A suggested order for the day's visits: a route from the station through the due stops that fits
the shift's time budget, solved with OR-Tools (routing solver with optional stops; overdue stops are
worth more). Distances in metres on TWD97 (EPSG:3826), travel at the configured speed.
Falls back to nearest-neighbour when OR-Tools is not installed."""

import numpy as np
from shapely.geometry import shape

from jingmin.geo.proj import to_twd97

DETOUR = 1.3  # street distance ≈ straight line × 1.3


def origin_of(unit):
    """The start point of the route: the station (the unit's parent chain), else the unit's own area."""
    node = unit
    while node is not None:
        if node.kind == "station" and node.boundary:
            p = shape(node.boundary).representative_point()
            return p.y, p.x
        node = node.parent
    if unit is not None and unit.boundary:
        p = shape(unit.boundary).representative_point()
        return p.y, p.x
    return None


def _matrix(points, speed_kmh):
    lat = np.array([p[0] for p in points])
    lon = np.array([p[1] for p in points])
    x, y = to_twd97(lon, lat)
    d = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :]) * DETOUR
    minutes = d / (speed_kmh * 1000 / 60)
    return np.ceil(minutes).astype(int)


def plan_route(origin, stops, *, budget_minutes, stop_minutes, speed_kmh, weights=None, time_limit=1):
    """Order of stop indexes to visit within the budget (start and end at ``origin``).

    ``stops``: list of (lat, lon). ``weights``: value of each stop (overdue > due). Returns
    (order, minutes) — stops left out do not fit the budget.
    """
    if not stops:
        return [], 0
    if origin is None:
        origin = stops[0]
    points = [origin, *stops]
    travel = _matrix(points, max(1, speed_kmh))
    weights = weights or [1] * len(stops)
    try:
        from ortools.constraint_solver import pywrapcp, routing_enums_pb2
    except ImportError:  # pragma: no cover - ortools is a dependency; keep a fallback anyway
        return _greedy(travel, budget_minutes, stop_minutes)
    manager = pywrapcp.RoutingIndexManager(len(points), 1, 0)
    routing = pywrapcp.RoutingModel(manager)

    def cost(i, j):
        a, b = manager.IndexToNode(i), manager.IndexToNode(j)
        return int(travel[a][b]) + (stop_minutes if b != 0 else 0)

    transit = routing.RegisterTransitCallback(cost)
    routing.SetArcCostEvaluatorOfAllVehicles(transit)
    routing.AddDimension(transit, 0, int(budget_minutes), True, "time")
    for node in range(1, len(points)):
        penalty = 10_000 * int(weights[node - 1])
        routing.AddDisjunction([manager.NodeToIndex(node)], penalty)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(time_limit * 1000))
    solution = routing.SolveWithParameters(params)
    if solution is None:
        return _greedy(travel, budget_minutes, stop_minutes)
    order = []
    index = routing.Start(0)
    minutes = 0
    while not routing.IsEnd(index):
        nxt = solution.Value(routing.NextVar(index))
        minutes += cost(index, nxt)
        node = manager.IndexToNode(nxt)
        if node != 0:
            order.append(node - 1)
        index = nxt
    return order, minutes


def _greedy(travel, budget, stop_minutes):
    left = set(range(1, len(travel)))
    at, used, order = 0, 0, []
    while left:
        nxt = min(left, key=lambda j: travel[at][j])
        if used + travel[at][nxt] + stop_minutes + travel[nxt][0] > budget:
            break
        used += travel[at][nxt] + stop_minutes
        order.append(nxt - 1)
        left.discard(nxt)
        at = nxt
    return order, used + (travel[at][0] if order else 0)


def suggest(unit, items, config):
    """The due items in suggested order (those that fit the shift) and the rest; total minutes."""
    if not items:
        return [], [], 0
    stops = [(i.lat, i.lon) for i in items]
    weights = [3 if i.overdue else 1 for i in items]
    order, minutes = plan_route(
        origin_of(unit),
        stops,
        budget_minutes=config.shift_minutes,
        stop_minutes=config.stop_minutes,
        speed_kmh=config.speed_kmh,
        weights=weights,
        time_limit=0.5 if len(items) < 60 else 1,
    )
    chosen = set(order)
    return [items[i] for i in order], [it for n, it in enumerate(items) if n not in chosen], minutes


__all__ = ["plan_route", "suggest", "origin_of"]
