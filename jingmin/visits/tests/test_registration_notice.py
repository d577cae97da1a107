"""勤區訪查通報單: a visit that finds residents not matching the household registration produces a printable
notice to the household registration office; the station chief lists, prints and marks it sent. Scoped,
audited (one event per write), bad input refused with nothing written."""

import pytest
from django.utils import timezone

from jingmin.audit.models import AuditEvent
from jingmin.org import roles
from jingmin.people.testing import make_person
from jingmin.places.testing import make_place
from jingmin.visits import actions
from jingmin.visits.models import RegistrationNotice, RegistrationStatus, Visit

DETAILS = "戶籍登記 3 人，實際居住 5 人；另 2 人為租屋學生，未辦遷入。"


def now_local():
    return timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)


def visit_when():
    when = now_local()
    return when if when <= timezone.now() else when - timezone.timedelta(days=1)


@pytest.fixture
def person(w):
    return make_person(w.inside["beat_officer"], w.beat, registered_address="臺南市東區開元路1號")


@pytest.fixture
def notice(w, person):
    visit = actions.log_visit(
        acting_user=w.inside["beat_officer"],
        data={
            "person": person.pk,
            "visited_at": visit_when(),
            "method": "onsite",
            "registration_mismatch": True,
            "registration_details": DETAILS,
        },
    )
    return visit.registration_notice


def counts():
    return Visit.objects.count(), RegistrationNotice.objects.count(), AuditEvent.objects.count()


def test_log_page_creates_the_notice(client, w, person):
    client.force_login(w.inside["beat_officer"])
    page = client.get(f"/visits/log/?person={person.pk}").content.decode()
    assert "勤區訪查通報單" in page and 'name="registration_details"' in page
    before = counts()
    r = client.post(
        "/visits/log/",
        {
            "person": person.pk,
            "visited_at": visit_when().strftime("%Y-%m-%dT%H:%M"),
            "method": "onsite",
            "registration_mismatch": "on",
            "registration_details": DETAILS,
        },
    )
    assert r.status_code == 302
    assert counts() == (before[0] + 1, before[1] + 1, before[2] + 1)  # one write, one audit event
    notice = RegistrationNotice.objects.get(visit__person=person)  # the demo has notices of its own
    assert notice.visit.person == person and notice.details == DETAILS
    assert notice.address == "臺南市東區開元路1號"
    assert notice.office == f"{person.village.district.name}戶政事務所"
    assert (notice.unit, notice.station, notice.status) == (w.beat, w.station, RegistrationStatus.OPEN)
    event = AuditEvent.objects.last()
    assert event.action == "visits.log" and event.extra["registration_notice"] == notice.pk


def test_without_the_tick_no_notice(w, person):
    visit = actions.log_visit(
        acting_user=w.inside["beat_officer"],
        data={"person": person.pk, "visited_at": visit_when(), "registration_details": "ignored"},
    )
    assert not RegistrationNotice.objects.filter(visit=visit).exists()


def test_a_place_visit_can_make_one(w):
    place = make_place(w.inside["station_chief"], w.beat, address="臺南市東區大學路2號")
    visit = actions.log_visit(
        acting_user=w.inside["beat_officer"],
        data={"place": place.pk, "visited_at": visit_when(), "method": "phone",
              "registration_mismatch": True, "registration_details": DETAILS},
    )  # fmt: skip
    assert visit.registration_notice.address == "臺南市東區大學路2號"
    assert visit.registration_notice.place == place


@pytest.mark.parametrize("details", ["", "   "])
def test_tick_without_details_is_refused(client, w, person, details):
    client.force_login(w.inside["beat_officer"])
    before = counts()
    data = {"person": person.pk, "visited_at": visit_when().strftime("%Y-%m-%dT%H:%M"), "method": "onsite",
            "registration_mismatch": "on", "registration_details": details}  # fmt: skip
    r = client.post("/visits/log/", data)
    assert r.status_code == 200
    assert r.context["form"].errors["registration_details"] == ["請說明實際居住者及與戶籍登記不符之情形。"]
    r = client.post(
        "/api/v1/visits",
        {**data, "registration_mismatch": True, "visited_at": visit_when().isoformat()},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert r.status_code == 422
    assert {e["field"]: e["message"] for e in r.json()["errors"]}["registration_details"] == (
        "Say who lives there and how it differs from the household registration."
    )
    assert counts() == before


def test_too_long_details_refused_by_the_form(client, w, person):
    client.force_login(w.inside["beat_officer"])
    before = counts()
    r = client.post("/visits/log/", {"person": person.pk, "visited_at": visit_when().strftime("%Y-%m-%dT%H:%M"),
                                     "method": "onsite", "registration_mismatch": "on",
                                     "registration_details": "x" * 5000})  # fmt: skip
    assert r.status_code == 200 and r.context["form"].errors["registration_details"]
    assert counts() == before


def test_api_creates_and_reads(client, w, person):
    client.force_login(w.inside["beat_officer"])
    r = client.post(
        "/api/v1/visits",
        {"person": person.pk, "visited_at": visit_when().isoformat(), "method": "onsite",
         "registration_mismatch": True, "registration_details": DETAILS},
        content_type="application/json",
    )  # fmt: skip
    assert r.status_code == 201
    pk = r.json()["registration_notice"]
    got = client.get(f"/api/v1/registration-notices/{pk}").json()
    assert got["details"] == DETAILS and got["status"] == "open" and got["station"] == w.station.code
    assert pk in [n["id"] for n in client.get("/api/v1/registration-notices?status=open").json()["results"]]
    r = client.get("/api/v1/registration-notices?status=bogus", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "status"


def expected(user, inside, cap="visits.registration_notices"):
    if not roles.can(user, cap):
        return 403
    return 200 if inside else 404


@pytest.mark.parametrize("inside", [True, False], ids=["inside", "outside"])
@pytest.mark.parametrize("role", roles.ROLES)
def test_scope_matrix(client, w, notice, role, inside):
    user = (w.inside if inside else w.outside)[role]
    client.force_login(user)
    status = expected(user, inside)
    detail = client.get(f"/visits/registration-notices/{notice.pk}/")
    assert detail.status_code == status, (role, inside)
    assert client.get(f"/api/v1/registration-notices/{notice.pk}").status_code == status
    listing = client.get("/visits/registration-notices/")
    api_list = client.get("/api/v1/registration-notices")
    if status == 403:
        assert listing.status_code == 403 and api_list.status_code == 403
    else:
        shown = f"/visits/registration-notices/{notice.pk}/" in listing.content.decode()
        assert shown is inside
        assert (notice.pk in [n["id"] for n in api_list.json()["results"]]) is inside
    if status == 200:
        html = detail.content.decode()
        assert "勤區訪查通報單" in html and DETAILS in html and notice.office in html


@pytest.mark.parametrize("inside", [True, False], ids=["inside", "outside"])
@pytest.mark.parametrize("role", roles.ROLES)
def test_send_scope(client, w, notice, role, inside):
    user = (w.inside if inside else w.outside)[role]
    client.force_login(user)
    before = AuditEvent.objects.count()
    r = client.post(f"/api/v1/registration-notices/{notice.pk}/sent")
    can_send = roles.can(user, "visits.send_registration_notice")
    sees = roles.can(user, "visits.registration_notices")
    if not sees:
        assert r.status_code == 403
    elif not inside:
        assert r.status_code == 404
    elif not can_send:
        assert r.status_code == 403
    else:
        assert r.status_code == 200 and r.json()["status"] == "sent" and r.json()["sent_by"] == user.username
    notice.refresh_from_db()
    sent = r.status_code == 200
    assert (notice.status == RegistrationStatus.SENT) is sent
    assert AuditEvent.objects.count() == before + (1 if sent else 0)


def test_chief_prints_and_sends_from_the_page(client, w, notice):
    client.force_login(w.inside["station_chief"])
    today = client.get("/visits/today/")
    assert 'id="registration-open"' in today.content.decode()
    waiting = today.context["registration_open"]
    page = client.get(f"/visits/registration-notices/{notice.pk}/").content.decode()
    assert "places/registers.css" in page and 'class="printsheet"' in page and "標示為已送戶政事務所" in page
    r = client.post(f"/visits/registration-notices/{notice.pk}/")
    assert r.status_code == 302
    notice.refresh_from_db()
    assert notice.status == RegistrationStatus.SENT and notice.sent_by == w.inside["station_chief"]
    event = AuditEvent.objects.last()
    assert (event.action, event.object_id) == ("visits.registration_notice_sent", str(notice.pk))
    before = AuditEvent.objects.count()
    r = client.post(f"/visits/registration-notices/{notice.pk}/", follow=True)
    assert "此通報單已送出。" in r.content.decode()
    assert AuditEvent.objects.count() == before
    assert client.get("/visits/today/").context["registration_open"] == waiting - 1


def test_beat_officer_cannot_send_from_the_page(client, w, notice):
    client.force_login(w.inside["beat_officer"])
    page = client.get(f"/visits/registration-notices/{notice.pk}/").content.decode()
    assert "標示為已送戶政事務所" not in page
    assert client.post(f"/visits/registration-notices/{notice.pk}/").status_code == 403
    notice.refresh_from_db()
    assert notice.status == RegistrationStatus.OPEN


def test_other_beat_and_nounit_see_nothing(client, w, notice):
    from django.contrib.auth import get_user_model

    for user in (get_user_model().objects.get(username="demo-beat2"), w.nounit):
        client.force_login(user)
        assert client.get(f"/visits/registration-notices/{notice.pk}/").status_code == 404
        assert client.get(f"/api/v1/registration-notices/{notice.pk}").status_code == 404
        # out of scope answers like missing, before the capability to send is asked
        assert client.post(f"/api/v1/registration-notices/{notice.pk}/sent").status_code == 404
