"""The suggested route: starts at the station, respects the shift's time budget, prefers overdue stops."""

from jingmin.visits.models import Config
from jingmin.visits.route import origin_of, plan_route, suggest
from jingmin.visits.schedule import due_list


def test_route_fits_the_budget():
    origin = (23.0, 120.2)
    stops = [(23.0 + i * 0.002, 120.2 + (i % 3) * 0.002) for i in range(12)]
    order, minutes = plan_route(
        origin, stops, budget_minutes=600, stop_minutes=10, speed_kmh=20, time_limit=0.2
    )
    assert sorted(order) == list(range(12))
    tight, used = plan_route(origin, stops, budget_minutes=45, stop_minutes=10, speed_kmh=20, time_limit=0.2)
    assert 0 < len(tight) < 12 and used <= 45
    # overdue (heavier) stops are kept when not all fit
    north, south = (23.028, 120.2), (22.972, 120.2)  # each about 12 minutes away, in opposite directions
    order, used = plan_route(
        origin,
        [north, south],
        budget_minutes=40,
        stop_minutes=10,
        speed_kmh=20,
        weights=[1, 5],
        time_limit=0.2,
    )
    assert order == [1] and used <= 40
    order, _ = plan_route(
        origin,
        [north, south],
        budget_minutes=40,
        stop_minutes=10,
        speed_kmh=20,
        weights=[5, 1],
        time_limit=0.2,
    )
    assert order == [0]


def test_my_beat_today_has_a_route(client, w):
    officer = w.inside["beat_officer"]
    items = due_list(officer)
    assert items
    route, rest, minutes = suggest(officer.officer.unit, items, Config.get())
    assert route and minutes <= Config.get().shift_minutes
    assert origin_of(officer.officer.unit) is not None
    client.force_login(officer)
    page = client.get("/visits/today/")
    assert page.context["route"] and 'id="daymap"' in page.content.decode()
