"""Browser: the e-map loads places for a chief and only per-village counts for a community partner."""

from jingmin.conftest import login_page


def test_emap(page, live_world, live_server):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login_page(page, live_server, "demo-chief")
    page.goto(f"{live_server.url}/places/map/")
    page.wait_for_selector("#emap[data-loaded='1']", timeout=30_000)
    assert int(page.get_attribute("#emap", "data-places")) > 0
    assert int(page.get_attribute("#emap", "data-persons")) > 0
    assert page.locator("path.jm-person").count() > 0
    assert not errors


def test_partner_sees_counts_only(browser, live_world, live_server):
    context = browser.new_context(locale="zh-TW", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        login_page(page, live_server, "demo-partner")
        page.goto(f"{live_server.url}/places/map/")
        page.wait_for_selector("#emap[data-loaded='1']", timeout=30_000)
        assert page.locator("path.jm-person").count() == 0
        assert page.locator(".jm-person-cluster").count() > 0
    finally:
        context.close()
