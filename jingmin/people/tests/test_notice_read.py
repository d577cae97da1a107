"""Notices (e.g. "this person lives in your beat") can be marked read — page button (POST + CSRF) and
API — scoped like every other read (out of scope: 404 like missing), audited once, idempotent."""

import pytest
from django.test import Client

from jingmin.audit.models import AuditEvent
from jingmin.org import roles
from jingmin.people.models import Notice, NoticeKind
from jingmin.people.testing import make_person


@pytest.fixture
def notice(w):
    """A person registered in beat 2 who lives in beat 1: beat 1 is told to visit."""
    person = make_person(w.inside["station_chief"], w.beat, registered_unit=w.beat2.code)
    return Notice.objects.get(person=person, kind=NoticeKind.RESIDENCE, unit=w.beat)


def events():
    return AuditEvent.objects.filter(action="visits.notice_read")


def expected(user, inside):
    if not roles.can(user, "visits.view"):
        return 403
    return 200 if inside else 404


@pytest.mark.parametrize("inside", [True, False], ids=["inside", "outside"])
@pytest.mark.parametrize("role", roles.ROLES)
def test_api_mark_read_scope(client, w, notice, role, inside):
    user = (w.inside if inside else w.outside)[role]
    client.force_login(user)
    before = events().count()
    r = client.post(f"/api/v1/notices/{notice.pk}/read")
    assert r.status_code == expected(user, inside), (role, inside)
    notice.refresh_from_db()
    if r.status_code == 200:
        assert r.json()["read_at"] and r.json()["read_by"] == user.username
        assert notice.read_by == user
        event = events().last()
        assert (event.actor_name, event.object_id, event.unit_code) == (
            user.username,
            str(notice.pk),
            w.beat.code,
        )
        assert events().count() == before + 1
    else:
        assert notice.read_at is None and events().count() == before


@pytest.mark.parametrize("inside", [True, False], ids=["inside", "outside"])
@pytest.mark.parametrize("role", roles.ROLES)
def test_page_button_scope(client, w, notice, role, inside):
    user = (w.inside if inside else w.outside)[role]
    client.force_login(user)
    r = client.post(f"/visits/notices/{notice.pk}/read/")
    status = expected(user, inside)
    assert r.status_code == (302 if status == 200 else status), (role, inside)
    notice.refresh_from_db()
    assert (notice.read_at is not None) is (status == 200)


def test_button_on_the_day_page_then_gone(w, notice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(w.inside["beat_officer"])
    page = client.get("/visits/today/")
    html = page.content.decode()
    assert f'action="/visits/notices/{notice.pk}/read/"' in html and "標示已讀" in html
    # without the CSRF token the POST is refused and nothing changes
    assert client.post(f"/visits/notices/{notice.pk}/read/").status_code == 403
    notice.refresh_from_db()
    assert notice.read_at is None
    token = page.context["csrf_token"]
    r = client.post(f"/visits/notices/{notice.pk}/read/", {"csrfmiddlewaretoken": str(token)})
    assert r.status_code == 302 and r["Location"] == "/visits/today/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert f"/visits/notices/{notice.pk}/read/" not in client.get("/visits/today/").content.decode()
    # still listed under "all" with who read it
    listing = client.get("/visits/notices/?show=all").content.decode()
    assert notice.text in listing and "demo-beat" in listing or "警勤區員警甲" in listing
    assert notice.text not in client.get("/visits/notices/").content.decode()


def test_get_is_not_allowed(client, w, notice):
    client.force_login(w.inside["beat_officer"])
    assert client.get(f"/visits/notices/{notice.pk}/read/").status_code == 405
    assert client.get(f"/api/v1/notices/{notice.pk}/read").status_code == 405
    notice.refresh_from_db()
    assert notice.read_at is None


def test_twice_is_one_event(client, w, notice):
    client.force_login(w.inside["beat_officer"])
    before = events().count()
    first = client.post(f"/api/v1/notices/{notice.pk}/read").json()
    client.force_login(w.inside["station_chief"])
    second = client.post(f"/api/v1/notices/{notice.pk}/read").json()
    assert first["read_at"] == second["read_at"] and second["read_by"] == "demo-beat"
    assert events().count() == before + 1


def test_unread_filter_and_missing(client, w, notice):
    client.force_login(w.inside["station_chief"])
    ids = lambda r: [n["id"] for n in r.json()]  # noqa: E731
    assert notice.pk in ids(client.get("/api/v1/notices?unread=true"))
    client.post(f"/api/v1/notices/{notice.pk}/read")
    assert notice.pk not in ids(client.get("/api/v1/notices?unread=true"))
    assert notice.pk in ids(client.get("/api/v1/notices"))
    assert client.post("/api/v1/notices/999999999/read").status_code == 404
    assert client.post("/api/v1/notices/abc/read").status_code == 422  # not a number: bad input
    assert client.post(f"/api/v1/notices/{'9' * 40}/read").status_code == 404  # beyond any id: missing


def test_nounit_and_other_beat(client, w, notice):
    from django.contrib.auth import get_user_model

    for user in (w.nounit, get_user_model().objects.get(username="demo-beat2")):
        client.force_login(user)
        assert client.post(f"/api/v1/notices/{notice.pk}/read").status_code == 404
        assert client.post(f"/visits/notices/{notice.pk}/read/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None
