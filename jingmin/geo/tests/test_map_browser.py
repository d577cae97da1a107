"""Browser: a beat officer signs in, opens the map, sees the own beat highlighted and 649 villages."""

import os

from jingmin.conftest import login_page

SHOTS = os.environ.get("JINGMIN_SCREENSHOTS")


def test_beat_officer_map(page, live_world, live_server):
    login_page(page, live_server, "demo-beat")
    assert "開元里" in page.content()
    page.click("nav.mainnav a[href='/map/']")
    page.wait_for_selector("#map[data-loaded='1']", timeout=30_000)
    assert page.locator("path.jm-village").count() == 649
    assert page.get_attribute("#map", "data-villages") == "649"
    own = page.locator("path.jm-own")
    assert own.count() == 1
    assert own.first.is_visible()
    # the beat officer's scoped layers hold nothing of other beats
    assert page.locator("path.jm-beat").count() == 1
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "map-beat.png"))


def test_map_on_a_phone_and_in_english(browser, live_world, live_server):
    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        login_page(page, live_server, "demo-chief")
        page.click(".menu-button")  # on a phone the language switch sits in the menu drawer
        page.click("button[name=language][value=en]")
        page.goto(f"{live_server.url}/map/")
        page.wait_for_selector("#map[data-loaded='1']", timeout=30_000)
        assert "Map" in page.inner_text("h1")
        assert page.locator("path.jm-own").count() == 1
        assert page.locator("path.jm-beat").count() == 6
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, "map-chief-phone.png"))
    finally:
        context.close()
