"""Browser: choosing a listed reason (勤區查察) opens the person; each radio sits beside its label."""

from jingmin.conftest import login_page
from jingmin.people.models import Person


def test_pick_a_listed_reason_and_open_the_person(browser, live_world, live_server):
    person = (
        Person.objects.visible_to(live_world.inside["beat_officer"]).filter(purged_at__isnull=True).first()
    )
    for viewport in ({"width": 390, "height": 844}, {"width": 1440, "height": 900}):
        context = browser.new_context(locale="zh-TW", viewport=viewport)
        page = context.new_page()
        try:
            login_page(page, live_server, "demo-beat")
            page.goto(f"{live_server.url}/people/{person.pk}/")
            radio = page.locator("input[type=radio][value=beat-visit]")
            label = page.locator("label.radio", has=radio)
            box, text = radio.bounding_box(), label.locator("span").bounding_box()
            assert abs((box["y"] + box["height"] / 2) - (text["y"] + text["height"] / 2)) < 8, (box, text)
            assert box["x"] < text["x"]
            radio.check()
            page.click("button[type=submit].primary")
            page.wait_for_load_state()
            assert "請填寫查詢事由" not in page.content()
            assert person.name in page.content()
        finally:
            context.close()
