"""Browser: on a phone the top bar is compact, the menu opens as a drawer grouped by strategy and the
role's pages sit in a bottom bar; a desktop shows the whole grouped menu."""

from jingmin.conftest import login_page


def test_phone_layout(browser, live_world, live_server):
    context = browser.new_context(locale="zh-TW", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        login_page(page, live_server, "demo-beat")
        top = page.locator("header.topbar").bounding_box()
        assert top["height"] < 70, top
        assert not page.locator("#mainnav").is_visible()
        bottom = page.locator("nav.bottombar")
        assert bottom.is_visible() and 2 <= bottom.locator("a").count() <= 5
        assert bottom.bounding_box()["y"] + bottom.bounding_box()["height"] <= 844 + 1
        page.click(".menu-button")
        assert page.locator("#mainnav").is_visible()
        assert page.get_attribute(".menu-button", "aria-expanded") == "true"
        assert "查訪" in page.inner_text("#mainnav")
        page.keyboard.press("Escape")
        assert not page.locator("#mainnav").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_desktop_layout(page, live_world, live_server):
    login_page(page, live_server, "demo-chief")
    assert page.locator("#mainnav").is_visible()
    assert not page.locator(".menu-button").is_visible()
    assert not page.locator("nav.bottombar").is_visible()
    assert page.locator("#mainnav .navgroup").count() >= 3
