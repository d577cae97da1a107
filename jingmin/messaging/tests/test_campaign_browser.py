"""Browser: the station chief composes a campaign, previews its cost, sends it to the demo channel
(console transport) and watches it arrive, live (htmx polling)."""

import os

from jingmin.conftest import login_page

SHOTS = os.environ.get("JINGMIN_SCREENSHOTS")


def test_compose_preview_send_and_see_it_delivered(page, live_world, live_server, caplog):
    from jingmin.messaging import delivery
    from jingmin.messaging.models import Campaign

    login_page(page, live_server, "demo-chief")
    page.click("nav.mainnav a[href='/messaging/']")
    page.click("a[href='/messaging/campaigns/new/']")
    page.fill("#id_title", "識詐宣導：解除分期付款")
    page.fill("#id_text", "ATM 沒有解除分期付款的功能，接到這種電話請撥 165 查證。")
    page.fill("#id_link", "https://165.npa.gov.tw/")
    page.check("#field-tags input[value='{}']".format(_tag_pk("village-chiefs")))
    page.click("#preview-button")

    page.wait_for_selector("#cost")
    # the demo's village-chiefs audience: one LINE group of 14 members and one e-mail address
    assert page.inner_text("#cost-recipients").startswith("2")
    assert page.inner_text("#cost-total") == "14"
    assert "500" in page.inner_text("#cost")  # the demo channel's monthly quota
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "campaign-preview.png"))
    page.click("#send-button")
    page.wait_for_selector("#delivery-status")
    assert "已排入發送佇列" in page.content()

    # the worker's job, run here: the demo channel has no API host, so LINE goes to the console
    with caplog.at_level("INFO", logger="jingmin.messaging.console"):
        stats = delivery.drain()
    assert stats["sent"] == 2
    assert "ATM 沒有解除分期付款的功能" in caplog.text

    from playwright.sync_api import expect

    expect(page.locator("#count-sent")).to_have_text("2", timeout=15_000)  # htmx polls every 2 s
    assert page.inner_text("#count-failed") == "0"
    assert "已完成" in page.inner_text("#delivery-status")
    assert Campaign.objects.get(title="識詐宣導：解除分期付款").status == "done"
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "campaign-delivered.png"))


def _tag_pk(code):
    from jingmin.messaging.models import Tag

    return Tag.objects.get(code=code).pk
