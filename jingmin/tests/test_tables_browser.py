"""Browser: on a phone, list tables become cards labelled with their columns (no column squeezed to one
character per line); on a desktop they stay tables. The unit list pages instead of one endless table."""

from jingmin.conftest import login_page


def test_tables_are_cards_on_a_phone(browser, live_world, live_server):
    phone = browser.new_context(locale="zh-TW", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = phone.new_page()
    try:
        login_page(page, live_server, "demo-admin")
        page.goto(f"{live_server.url}/org/units/")
        first = page.locator("table.list tbody tr").first
        assert first.evaluate("e => getComputedStyle(e).display") == "block"
        cell = page.locator("table.list tbody tr td").nth(1)
        assert cell.get_attribute("data-label") == "類別"
        assert cell.evaluate("e => getComputedStyle(e, '::before').content").strip('"') == "類別"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        assert page.evaluate("document.documentElement.scrollHeight") < 12_000
        assert page.locator("nav.pager a[rel=next]").count() == 1
    finally:
        phone.close()


def test_tables_stay_tables_on_a_desktop(page, live_world, live_server):
    login_page(page, live_server, "demo-admin")
    page.goto(f"{live_server.url}/org/units/")
    assert (
        page.locator("table.list tbody tr").first.evaluate("e => getComputedStyle(e).display") == "table-row"
    )
