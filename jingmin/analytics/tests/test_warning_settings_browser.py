"""Browser: a station chief opens the community-warning settings from the alerts page, switches them on
for the station and sees the change in the list; the beat officer sees the setting but cannot change it."""

from jingmin.analytics.models import NearRepeatWarningSetting
from jingmin.conftest import login_page


def test_chief_switches_community_warnings_on(page, live_server, live_world):
    w = live_world
    login_page(page, live_server, "demo-chief")
    page.goto(f"{live_server.url}/analytics/alerts/")
    page.click("#warning-settings-link")
    row = page.locator(f"#warning-setting-{w.station.code}")
    assert row.count() == 1
    row.locator("a").click()
    page.wait_for_selector("#warning-setting-form")
    page.check("#warning-setting-form input[name='enabled']")
    page.click("#warning-setting-form button[type='submit']")
    page.wait_for_selector(f"#warning-setting-{w.station.code} strong.on")
    setting = NearRepeatWarningSetting.objects.get(unit=w.station)
    assert setting.enabled is True
    assert setting.updated_by.username == "demo-chief"

    context = page.context.browser.new_context()
    other = context.new_page()
    login_page(other, live_server, "demo-beat")
    other.goto(f"{live_server.url}/analytics/alerts/warnings/")
    beat_row = other.locator(f"#warning-setting-{w.station.code}")
    assert beat_row.locator("strong.on").count() == 1
    assert beat_row.locator("a").count() == 0  # may read, may not change
    context.close()
