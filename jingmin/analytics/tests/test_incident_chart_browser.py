"""Browser: the incident chart is drawn on the overview (phone and desktop), its table opens, and the
CSV download holds the same figures."""

from jingmin.conftest import login_page


def test_chart_draws_and_downloads(browser, live_world, live_server):
    for viewport in ({"width": 390, "height": 844}, {"width": 1440, "height": 900}):
        context = browser.new_context(locale="zh-TW", viewport=viewport, accept_downloads=True)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        try:
            login_page(page, live_server, "demo-chief")
            page.goto(f"{live_server.url}/analytics/")
            page.wait_for_selector("#chart-incidents-by-month[data-drawn='1']", timeout=15_000)
            box = page.locator("#chart-incidents-by-month canvas").bounding_box()
            assert box["width"] > 200 and box["height"] > 150
            assert box["width"] <= viewport["width"]
            page.click("#chart-incidents-by-month summary")
            assert page.locator("#chart-incidents-by-month tbody tr").count() == 12
            with page.expect_download() as info:
                page.click("#chart-incidents-by-month [data-download=csv]")
            text = open(info.value.path(), encoding="utf-8-sig").read()
            assert text.count("\n") == 13 and "民國" in text
            assert not errors, errors
        finally:
            context.close()
