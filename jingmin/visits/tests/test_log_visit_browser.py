"""Browser: a beat officer on a phone opens "my beat today", logs a visit in a few taps and sees it
disappear from the due list."""

import datetime as dt
import os

from jingmin.conftest import login_page
from jingmin.visits.models import Config, Visit

SHOTS = os.environ.get("JINGMIN_SCREENSHOTS")


def test_beat_officer_logs_a_visit_from_a_phone(browser, live_world, live_server):
    # the test may run at night: make the whole day "daytime" for it
    Config.objects.update_or_create(
        pk=1, defaults={"day_start": dt.time(0, 0), "day_end": dt.time(23, 59, 59)}
    )
    context = browser.new_context(
        locale="zh-TW", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    try:
        login_page(page, live_server, "demo-beat")
        page.goto(f"{live_server.url}/visits/today/?route=0")
        first = page.locator("li.due").first
        kind, pk = first.get_attribute("data-kind"), first.get_attribute("data-id")
        before = int(page.get_attribute("#due-count", "data-count"))
        assert page.locator(f"li.due[data-kind='{kind}'][data-id='{pk}']").count() == 1
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, "today-phone.png"), full_page=True)
        first.locator("a.log-visit").click()
        page.wait_for_selector("#visit-form")
        assert page.viewport_size["width"] == 390
        page.fill("#id_met", "本人")
        page.fill("#id_observations", "在家，作息正常。")
        page.click("#visit-form button[type=submit]")
        page.wait_for_url(f"{live_server.url}/visits/today/")
        assert "查訪已登錄" in page.inner_text("ul.messages")
        assert page.locator(f"li.due[data-kind='{kind}'][data-id='{pk}']").count() == 0
        assert int(page.get_attribute("#due-count", "data-count")) == before - 1
        assert Visit.objects.filter(**{f"{kind}_id": int(pk)}, met="本人").exists()
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, "today-phone-after.png"), full_page=True)
    finally:
        context.close()


def test_group_meeting_asks_for_the_written_notice_on_a_phone(browser, live_world, live_server):
    """The notice date appears only when "group meeting" is chosen; too short a notice is refused on the
    field, three days is accepted."""
    from django.utils import timezone

    from jingmin.people.testing import make_person

    Config.objects.update_or_create(
        pk=1, defaults={"day_start": dt.time(0, 0), "day_end": dt.time(23, 59, 59)}
    )
    person = make_person(live_world.inside["beat_officer"], live_world.beat)
    today = timezone.localdate()
    context = browser.new_context(
        locale="zh-TW", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    try:
        login_page(page, live_server, "demo-beat")
        page.goto(f"{live_server.url}/visits/log/?person={person.pk}")
        assert not page.is_visible("#id_notice_given_on")
        page.click("label:has-text('座談會')")
        assert page.is_visible("#id_notice_given_on")
        page.click("label:has-text('電話')")
        assert not page.is_visible("#id_notice_given_on")
        page.click("label:has-text('座談會')")
        page.fill("#id_notice_given_on", (today - dt.timedelta(days=2)).isoformat())
        page.click("#visit-form button[type=submit]")
        page.wait_for_selector("#group-notice .error")
        assert "至少於 3 日前" in page.inner_text("#group-notice .error")
        assert page.is_visible("#id_notice_given_on") and page.is_checked("input[value=group]")
        assert not Visit.objects.filter(person=person).exists()
        page.fill("#id_notice_given_on", (today - dt.timedelta(days=3)).isoformat())
        page.click("#visit-form button[type=submit]")
        page.wait_for_url(f"{live_server.url}/visits/today/")
        visit = Visit.objects.get(person=person)
        assert visit.method == "group" and visit.notice_given_on == today - dt.timedelta(days=3)
    finally:
        context.close()
