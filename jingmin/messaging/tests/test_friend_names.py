"""Friends' LINE display names: read from GET /v2/bot/profile/{userId} on follow and on the station's
"refresh names" action; a 404 keeps the contact without a name; names are shown (and audited) only
where LINE IDs are, at the station."""

import pytest
from django.core.exceptions import PermissionDenied

from jingmin.audit.models import AuditEvent
from jingmin.messaging import actions, tasks
from jingmin.messaging.models import Contact
from jingmin.messaging.tests.line_server import fake_user_id
from jingmin.messaging.transports import TransportError
from jingmin.messaging.transports.line import LineTransport

from .conftest import TOKEN, add_friend, signed_post
from .test_webhook import body, event, user_src

RESIDENT = fake_user_id("resident")


def test_profile_wire_contract(line_server):
    line_server.add_profile(RESIDENT, "林小姐", picture_url="https://profile.example/p.jpg", language="zh-TW")
    with LineTransport(TOKEN, api_host=line_server.url) as transport:
        profile = transport.profile(RESIDENT)
        assert profile["displayName"] == "林小姐" and profile["userId"] == RESIDENT
        assert profile["pictureUrl"] == "https://profile.example/p.jpg" and profile["statusMessage"] is None
        with pytest.raises(TransportError) as exc:
            transport.profile(fake_user_id("stranger"))
    assert exc.value.status == 404 and exc.value.permanent
    request = line_server.requests[0]
    assert request["method"] == "GET" and request["path"] == f"/v2/bot/profile/{RESIDENT}"
    assert request["headers"]["authorization"] == f"Bearer {TOKEN}"


def test_profile_needs_the_token(line_server):
    with LineTransport("wrong-token", api_host=line_server.url) as transport:
        with pytest.raises(TransportError) as exc:
            transport.profile(RESIDENT)
    assert exc.value.status == 401


def test_follow_reads_the_display_name(client, channel, line_server, django_capture_on_commit_callbacks):
    line_server.add_profile(RESIDENT, "林小姐")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        signed_post(client, channel.slug, body(event("follow", 1, user_src())))
    assert callbacks  # the profile fetch is queued after the commit
    friend = Contact.objects.get(channel=channel, kind="user")
    tasks.fetch_friend_profile.call(friend.pk)
    friend.refresh_from_db()
    assert friend.display_name == "林小姐" and friend.profile_checked_at is not None
    assert friend.name == ""  # the station's own label is untouched
    audit = AuditEvent.objects.filter(action="messaging.refresh_friend_names").order_by("-id").first()
    assert audit.extra["via"] == "follow" and audit.extra["named"] == [friend.pk]
    assert "林小姐" not in str(audit.extra)  # the audit trail does not copy the name


def test_unknown_user_keeps_the_contact_without_a_name(client, channel, line_server):
    signed_post(client, channel.slug, body(event("follow", 1, user_src())))
    friend = Contact.objects.get(channel=channel, kind="user")
    result = tasks.fetch_friend_profile.call(friend.pk)
    assert result["not_found"] == 1 and result["updated"] == 0
    friend.refresh_from_db()
    assert friend.status == "active" and friend.display_name == "" and friend.profile_checked_at is not None


def test_refresh_names_for_existing_friends(w, channel, line_server):
    a, b, c = (add_friend(channel, n) for n in (1, 2, 3))
    line_server.add_profile(a.address, "阿明")
    line_server.add_profile(b.address, "阿華")
    Contact.objects.filter(pk=c.pk).update(display_name="old name")
    result = actions.refresh_friend_names(acting_user=w.inside["station_chief"], channel=channel)
    assert (result["updated"], result["not_found"], result["failed"]) == (2, 1, 0)
    names = dict(Contact.objects.filter(pk__in=[a.pk, b.pk, c.pk]).values_list("pk", "display_name"))
    assert names == {a.pk: "阿明", b.pk: "阿華", c.pk: ""}  # no longer a friend: name forgotten
    assert AuditEvent.objects.filter(action="messaging.refresh_friend_names").count() == 1


def test_transient_failure_keeps_the_stored_name(w, channel, line_server):
    friend = add_friend(channel, 1)
    Contact.objects.filter(pk=friend.pk).update(display_name="阿明")
    line_server.script([500])
    result = actions.refresh_friend_names(acting_user=w.inside["station_chief"], channel=channel)
    assert result["failed"] == 1
    friend.refresh_from_db()
    assert friend.display_name == "阿明"


@pytest.mark.parametrize("role", ["precinct_officer", "investigator", "bureau_analyst"])
def test_refresh_needs_manage_contacts(w, channel, role):
    with pytest.raises(PermissionDenied):
        actions.refresh_friend_names(acting_user=w.inside[role], channel=channel)


def test_refresh_outside_the_station_is_refused(w, channel):
    with pytest.raises(PermissionDenied):
        actions.refresh_friend_names(acting_user=w.outside["station_chief"], channel=channel)


def test_refresh_button(w, channel, client):
    client.force_login(w.inside["station_chief"])
    page = client.get("/messaging/contacts/").content.decode()
    assert f"/messaging/contacts/names/{channel.slug}/" in page
    assert client.post(f"/messaging/contacts/names/{channel.slug}/").status_code == 302
    client.force_login(w.inside["precinct_officer"])
    assert (
        f"/messaging/contacts/names/{channel.slug}/"
        not in client.get("/messaging/contacts/").content.decode()
    )
    assert client.post(f"/messaging/contacts/names/{channel.slug}/").status_code == 403
    client.force_login(w.outside["station_chief"])
    assert client.post(f"/messaging/contacts/names/{channel.slug}/").status_code == 404


def test_name_shown_only_to_the_station_and_audited(w, channel, client):
    friend = add_friend(channel, 1)
    Contact.objects.filter(pk=friend.pk).update(display_name="林小姐")
    client.force_login(w.inside["station_chief"])
    assert "林小姐" in client.get(f"/messaging/contacts/{friend.pk}/").content.decode()
    audit = AuditEvent.objects.filter(action="messaging.view_contact_address", object_id=str(friend.pk))
    assert audit.count() == 1 and audit.first().extra["display_name"] is True
    for role in ("precinct_officer", "bureau_analyst"):  # they see the contact, not the name
        client.force_login(w.inside[role])
        response = client.get(f"/messaging/contacts/{friend.pk}/")
        assert response.status_code == 200 and "林小姐" not in response.content.decode()
    assert "林小姐" not in client.get("/messaging/contacts/?kind=user").content.decode()
    assert audit.count() == 1


def test_removal_forgets_the_name(w, channel):
    friend = add_friend(channel, 1)
    Contact.objects.filter(pk=friend.pk).update(display_name="林小姐")
    friend.refresh_from_db()
    actions.remove_contact_at_request(acting_user=w.inside["station_chief"], contact=friend)
    friend.refresh_from_db()
    assert friend.display_name == "" and friend.address == ""
