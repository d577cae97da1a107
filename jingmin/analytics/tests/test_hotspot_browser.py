"""Browser: the hotspot layer draws cells and the hot-spot outline, and explains an empty selection."""

from jingmin.conftest import login_page


def test_hotspot_layer_in_the_browser(page, live_server, live_world):
    login_page(page, live_server, "demo-precinct")
    page.goto(f"{live_server.url}/analytics/hotspots/?unit=TNPD-P05&start=2000-01-01")
    page.wait_for_selector("#layer-map[data-loaded='1']", timeout=30_000)
    state = page.get_attribute("#layer-map", "data-state")
    assert state == "ok", page.inner_text("#layer-status")
    assert int(page.get_attribute("#layer-map", "data-cells")) > 10
    assert page.locator("path.jm-hotcell").count() > 10
    assert page.locator(".jm-legend").count() == 1
    assert int(page.get_attribute("#layer-map", "data-hot-cells")) > 0
    assert page.locator("path.jm-hot-outline").count() >= 1
    assert page.locator("a[download]").count() == 2

    page.goto(f"{live_server.url}/analytics/hotspots/?unit=TNPD-P05&start=1995-01-01&end=1995-02-01")
    page.wait_for_selector("#layer-map[data-loaded='1']", timeout=30_000)
    assert page.get_attribute("#layer-map", "data-state") == "empty"
    assert page.inner_text("#layer-status").strip()
