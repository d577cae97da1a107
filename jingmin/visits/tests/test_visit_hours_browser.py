"""Browser: the chief's day page draws the visit-hours chart (hours per beat officer, target line)."""

from jingmin.conftest import login_page


def test_visit_hours_chart_is_drawn(page, live_world, live_server):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login_page(page, live_server, "demo-chief")
    page.goto(f"{live_server.url}/visits/today/")
    page.wait_for_selector("#chart-visit-hours[data-drawn='1']", timeout=15_000)
    assert page.locator("#chart-visit-hours canvas").bounding_box()["height"] > 150
    assert not errors, errors
