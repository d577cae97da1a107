"""Browser: the notices page and the household registration notices (勤區訪查通報單) are reached from the
main menu; a beat officer marks a notice read; the station chief prints a registration notice and marks
it sent."""

import datetime as dt
import os

from django.utils import timezone

from jingmin.conftest import login_page
from jingmin.people.models import Notice, NoticeKind
from jingmin.people.testing import make_person
from jingmin.visits import actions
from jingmin.visits.models import RegistrationNotice, RegistrationStatus

SHOTS = os.environ.get("JINGMIN_SCREENSHOTS")
DETAILS = "戶籍登記 3 人，實際居住 5 人（瀏覽器測試）。"


def test_beat_officer_marks_a_notice_read_from_the_menu(page, live_world, live_server):
    w = live_world
    person = make_person(w.inside["station_chief"], w.beat, registered_unit=w.beat2.code)
    notice = Notice.objects.get(person=person, kind=NoticeKind.RESIDENCE, unit=w.beat)
    login_page(page, live_server, "demo-beat")
    page.click('nav.mainnav >> text="通報"')
    page.wait_for_url(f"{live_server.url}/visits/notices/")
    row = page.locator("#notice-list tr", has_text=notice.text)
    assert row.count() == 1
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "notices.png"), full_page=True)
    row.locator("button", has_text="標示已讀").click()
    page.wait_for_url(f"{live_server.url}/visits/notices/")
    assert "通報已標示為已讀" in page.inner_text("ul.messages")
    assert page.locator("#notice-list tr", has_text=notice.text).count() == 0  # unread only
    page.click("p.tabs >> text=全部")
    read_row = page.locator("#notice-list tr", has_text=notice.text)
    assert read_row.count() == 1 and "警勤區員警甲" in read_row.inner_text()
    notice.refresh_from_db()
    assert notice.read_by.username == "demo-beat" and notice.read_at is not None


def test_chief_prints_and_sends_a_registration_notice_from_the_menu(page, live_world, live_server):
    w = live_world
    person = make_person(w.inside["beat_officer"], w.beat, registered_address="臺南市東區開元路9號")
    when = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    if when > timezone.now():
        when -= dt.timedelta(days=1)
    visit = actions.log_visit(
        acting_user=w.inside["beat_officer"],
        data={"person": person.pk, "visited_at": when, "method": "phone",
              "registration_mismatch": True, "registration_details": DETAILS},
    )  # fmt: skip
    notice = visit.registration_notice
    login_page(page, live_server, "demo-chief")
    page.click("nav.mainnav >> text=勤區訪查通報單")
    page.wait_for_url(f"{live_server.url}/visits/registration-notices/")
    page.click("p.tabs >> text=待送出")
    page.wait_for_url("**/visits/registration-notices/?status=open")
    page.click(f"#registration-list a[href='/visits/registration-notices/{notice.pk}/']")
    page.wait_for_url(f"{live_server.url}/visits/registration-notices/{notice.pk}/")
    sheet = page.locator("#registration-notice")
    assert DETAILS in sheet.inner_text() and notice.office in sheet.inner_text()
    # the print view: only the notice itself, no menu, no buttons
    page.emulate_media(media="print")
    assert sheet.is_visible()
    assert not page.locator("header.topbar").is_visible()
    assert not page.locator("button", has_text="標示為已送戶政事務所").is_visible()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "registration-notice-print.png"), full_page=True)
    page.emulate_media(media="screen")
    page.click("button:has-text('標示為已送戶政事務所')")
    page.wait_for_url(f"{live_server.url}/visits/registration-notices/{notice.pk}/")
    assert "通報單已標示為送戶政事務所" in page.inner_text("ul.messages")
    assert "已送戶政事務所" in sheet.inner_text()
    assert page.locator("button", has_text="標示為已送戶政事務所").count() == 0
    notice.refresh_from_db()
    assert notice.status == RegistrationStatus.SENT and notice.sent_by.username == "demo-chief"
    page.goto(f"{live_server.url}/visits/registration-notices/?status=sent")
    assert (
        page.locator(f"#registration-list a[href='/visits/registration-notices/{notice.pk}/']").count() == 1
    )
    assert RegistrationNotice.objects.filter(is_demo=True, status=RegistrationStatus.SENT).exists()
