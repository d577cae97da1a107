"""Browser: an administrator opens the retention page from the messaging menu, is refused an impossible
period with a translated field error (nothing saved), saves a valid one and runs the purge."""

from jingmin.conftest import login_page
from jingmin.messaging.models import RetentionSettings


def test_admin_edits_retention_and_purges(page, live_server, live_world):
    login_page(page, live_server, "demo-admin")
    page.goto(f"{live_server.url}/messaging/retention/")
    page.fill("input[name='closed_tip_days']", "5")
    page.click("button[name='save']")
    error = page.locator(".has-error .error")
    assert error.count() == 1
    assert "30" in error.inner_text()  # the lower bound, in the page's language
    assert RetentionSettings.get().closed_tip_days == 730

    page.fill("input[name='closed_tip_days']", "400")
    page.click("button[name='save']")
    page.wait_for_selector("ul.messages li")
    assert RetentionSettings.get().closed_tip_days == 400
    assert page.input_value("input[name='closed_tip_days']") == "400"

    page.click("button[name='purge']")
    page.wait_for_selector("ul.messages li")
    assert page.locator("ul.messages li").count() == 1
