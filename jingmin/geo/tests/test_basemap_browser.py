"""Browser: on an isolated network (tiles unreachable) every map draws the bundled district and village
outlines with one note, instead of a grey box; with tiles answering, no outline and no note. Location
pickers search the bundled village names and place the vendored marker icon (no 404)."""

import base64

import pytest

from jingmin.conftest import login_page

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
MAPS = [
    ("demo-chief", "/map/", "#map"),
    ("demo-chief", "/places/map/", "#emap"),
    ("demo-chief", "/places/new/", "#pick-map"),
    ("demo-chief", "/people/households/new/", "#pick-map"),
    ("demo-beat", "/visits/intel/new/", "#pick-map"),
    ("demo-precinct", "/analytics/hotspots/?unit=TNPD-P05&start=2000-01-01", "#layer-map"),
]


def isolate(page, live_server, tiles=False):
    """Abort every request that leaves the test server (or answer tiles with a PNG when ``tiles``)."""

    def handle(route):
        if route.request.url.startswith(live_server.url):
            return route.continue_()
        if tiles:
            return route.fulfill(status=200, content_type="image/png", body=PNG)
        return route.abort()

    page.route("**/*", handle)


@pytest.mark.parametrize("username,path,selector", MAPS)
def test_map_without_tiles_shows_the_outline(page, live_world, live_server, username, path, selector):
    isolate(page, live_server)
    login_page(page, live_server, username)
    page.goto(f"{live_server.url}{path}")
    page.wait_for_selector(f"{selector}[data-outline='1']", timeout=20_000)
    assert page.locator(f"{selector} .jm-map-note").count() == 1
    assert "底圖無法載入，以行政區界顯示" in page.inner_text(f"{selector} .jm-map-note")
    assert page.locator(f"{selector} .leaflet-jmOutline-pane path").count() > 100


def test_map_with_tiles_has_no_outline(page, live_world, live_server):
    isolate(page, live_server, tiles=True)
    login_page(page, live_server, "demo-chief")
    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector("#map[data-base='tiles']", timeout=20_000)
    page.wait_for_timeout(500)
    assert page.locator("#map .jm-map-note").count() == 0
    assert page.get_attribute("#map", "data-outline") is None


def test_picker_finds_a_village_and_places_the_marker(page, live_world, live_server):
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    isolate(page, live_server)
    login_page(page, live_server, "demo-chief")
    page.goto(f"{live_server.url}/places/new/")
    page.wait_for_selector("#pick-map[data-outline='1']", timeout=20_000)
    search = page.locator(".jm-pick-tools input[type=search]")
    page.wait_for_function("document.querySelectorAll('.jm-pick-tools datalist option').length > 600")
    search.fill("北區 開元里")
    search.dispatch_event("change")
    page.wait_for_function("window.L && document.querySelector('#pick-map')")
    page.locator("#pick-map").click(position={"x": 120, "y": 80})
    assert page.input_value("input.pick-lat") and page.input_value("input.pick-lon")
    lat = float(page.input_value("input.pick-lat"))
    assert 22.9 < lat < 23.1  # near 開元里 after the search
    assert page.locator("#pick-map img.leaflet-marker-icon").count() == 1
    assert not missing, missing
    assert page.locator("link[rel=icon]").count() == 1


def test_person_found_form_has_the_picker(page, live_world, live_server):
    from jingmin.people.models import SearchRequest

    search = SearchRequest.objects.filter(status="open").first()
    isolate(page, live_server)
    login_page(page, live_server, "demo-chief")
    page.goto(f"{live_server.url}/visits/search/{search.pk}/")
    assert page.locator("#pick-map").count() == 1  # the chief may report the person found
    page.wait_for_selector("#pick-map[data-outline='1']", timeout=20_000)
    page.locator("#pick-map").click(position={"x": 100, "y": 60})
    assert page.input_value("input.pick-lat")
