"""The LINE webhook view: signature (401), bad bodies (400, logged), idempotency, audiences, tips."""

import json

import pytest

from jingmin.messaging import tasks
from jingmin.messaging.models import Contact, Tip, WebhookEvent
from jingmin.messaging.tests.line_server import fake_group_id, fake_user_id

from .conftest import SECRET, png_bytes, signed_post

BOT = "U" + "b" * 32
RESIDENT = fake_user_id("resident")
GROUP = fake_group_id("chiefs")


def body(*events):
    return {"destination": BOT, "events": list(events)}


def event(kind, n, source, **extra):
    return {
        "type": kind,
        "mode": "active",
        "timestamp": 1700000000000 + n,
        "webhookEventId": f"01HEVENT{n:018d}",
        "deliveryContext": {"isRedelivery": False},
        "source": source,
        **extra,
    }


def user_src(uid=RESIDENT):
    return {"type": "user", "userId": uid}


def group_src(gid=GROUP, uid=RESIDENT):
    return {"type": "group", "groupId": gid, "userId": uid}


def text(n, words, source=None, **message):
    return event(
        "message",
        n,
        source or user_src(),
        replyToken=f"reply-{n}",
        message={"type": "text", "id": str(9000 + n), "text": words, **message},
    )


# -------------------------------------------------------------------- signature


def test_valid_signature_is_accepted(client, channel):
    response = signed_post(client, channel.slug, body())
    assert response.status_code == 200
    assert response.json()["received"] == 0  # LINE's "verify" request: no events


def test_tampered_body_is_refused(client, channel):
    raw = json.dumps(body(event("follow", 1, user_src()))).encode()
    from jingmin.messaging.transports.line import compute_signature

    sig = compute_signature(SECRET, raw)
    response = client.post(
        f"/hooks/line/{channel.slug}",
        data=raw.replace(b"follow", b"unfollow"),
        content_type="application/json",
        HTTP_X_LINE_SIGNATURE=sig,
    )
    assert response.status_code == 401
    assert not WebhookEvent.objects.exists()


def test_wrong_secret_is_refused(client, channel):
    assert signed_post(client, channel.slug, body(), secret="not-the-secret").status_code == 401


def test_missing_signature_is_refused(client, channel):
    assert signed_post(client, channel.slug, body(), signature="").status_code == 401


def test_unknown_channel_is_404(client, channel):
    assert signed_post(client, "nope", body()).status_code == 404


def test_get_is_not_allowed(client, channel):
    assert client.get(f"/hooks/line/{channel.slug}").status_code == 405


@pytest.mark.parametrize(
    "raw",
    [
        b"not json at all",
        b"[1, 2, 3]",
        b'{"events": []}',
        b'{"destination": NaN, "events": []}',
        b"\xff\xfe",
    ],
)
def test_bodies_that_are_not_line_events_get_400_and_are_logged(client, channel, raw, caplog):
    with caplog.at_level("WARNING", logger="jingmin.messaging.webhook"):
        response = signed_post(client, channel.slug, raw)
    assert response.status_code == 400
    assert "rejected body" in caplog.text


def test_demo_channel_webhook_accepts_the_demo_secret(client, w):
    response = signed_post(client, "demo", body(event("follow", 1, user_src())), secret="demo-channel-secret")
    assert response.status_code == 200


# -------------------------------------------------------------------- idempotency


def test_redelivered_event_is_recorded_once(client, channel, line_server, django_capture_on_commit_callbacks):
    payload = body(text(1, "巷口有可疑人士在拉車門"))
    with django_capture_on_commit_callbacks(execute=False):
        first = signed_post(client, channel.slug, payload)
        payload["events"][0]["deliveryContext"]["isRedelivery"] = True
        second = signed_post(client, channel.slug, payload)
    assert first.json()["new"] == 1
    assert second.json()["duplicate"] == 1
    assert WebhookEvent.objects.filter(channel=channel).count() == 1
    assert Tip.objects.filter(channel=channel).count() == 1


def test_malformed_event_is_skipped_without_losing_the_others(client, channel):
    bad = event("message", 1, user_src())  # a message event without its message
    good = event("follow", 2, user_src())
    response = signed_post(client, channel.slug, body(bad, good))
    assert response.status_code == 200
    assert response.json()["skipped"] == 1
    assert response.json()["new"] == 1


# -------------------------------------------------------------------- audiences


def test_follow_and_unfollow_keep_the_friend_list_true(client, channel):
    signed_post(client, channel.slug, body(event("follow", 1, user_src())))
    friend = Contact.objects.get(channel=channel, kind="user")
    assert friend.status == "active" and friend.address == RESIDENT
    signed_post(client, channel.slug, body(event("unfollow", 2, user_src())))
    friend.refresh_from_db()
    assert friend.status == "unfollowed"
    signed_post(client, channel.slug, body(event("follow", 3, user_src())))
    friend.refresh_from_db()
    assert friend.status == "active"
    assert Contact.objects.filter(channel=channel, kind="user").count() == 1


def test_join_captures_the_group_and_leave_marks_it(
    client, channel, line_server, django_capture_on_commit_callbacks
):
    line_server.add_group(GROUP, "開元里 里長群組", member_count=17)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        signed_post(
            client, channel.slug, body(event("join", 1, {"type": "group", "groupId": GROUP}, replyToken="r"))
        )
    group = Contact.objects.get(channel=channel, kind="group")
    assert group.unit == channel.unit
    assert len(callbacks) == 1
    tasks.fetch_group_details.call(group.pk)
    group.refresh_from_db()
    assert group.name == "開元里 里長群組"
    assert group.member_count == 17
    signed_post(client, channel.slug, body(event("leave", 2, {"type": "group", "groupId": GROUP})))
    group.refresh_from_db()
    assert group.status == "left"


# -------------------------------------------------------------------- tips


def test_direct_message_becomes_a_tip_with_a_tracking_code_reply(
    client, channel, line_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        signed_post(client, channel.slug, body(text(1, "我接到假檢察官電話")))
    tip = Tip.objects.get(channel=channel)
    assert tip.kind == "text" and tip.text == "我接到假檢察官電話"
    assert tip.source == "user" and tip.unit == channel.unit
    assert tip.tracking_code.startswith("T") and len(tip.tracking_code) == 8
    # the stored event keeps no message text and no user ID
    stored = json.dumps(WebhookEvent.objects.get(channel=channel).payload)
    assert "假檢察官" not in stored and RESIDENT not in stored
    assert tasks.reply_to_tip.call(tip.pk, "reply-1") is True
    reply = [a for a in line_server.accepted if a["endpoint"] == "reply"][0]
    assert tip.tracking_code in reply["messages"][0]["text"]
    tip.refresh_from_db()
    assert tip.replied_at is not None


def test_location_and_image_messages_are_kept(
    client, channel, line_server, django_capture_on_commit_callbacks
):
    line_server.add_content("7001", png_bytes(), "image/png")
    loc = event(
        "message",
        1,
        user_src(),
        replyToken="r1",
        message={
            "type": "location",
            "id": "7000",
            "title": "路口",
            "address": "臺南市北區公園路",
            "latitude": 23.0,
            "longitude": 120.2,
        },
    )
    img = event("message", 2, user_src(), replyToken="r2", message={"type": "image", "id": "7001"})
    with django_capture_on_commit_callbacks(execute=False):
        signed_post(client, channel.slug, body(loc, img))
    location = Tip.objects.get(kind="location")
    assert (location.latitude, location.longitude) == (23.0, 120.2)
    assert "公園路" in location.address
    image = Tip.objects.get(kind="image")
    assert tasks.fetch_tip_image.call(image.pk) is True
    image.refresh_from_db()
    assert image.image.read() == png_bytes()


def test_group_chatter_is_not_stored_unless_the_bot_is_mentioned(client, channel):
    chatter = text(1, "大家早安", group_src())
    mention = text(
        2,
        "@派出所 路燈壞了",
        group_src(),
        mention={"mentionees": [{"index": 0, "length": 4, "type": "user", "userId": BOT, "isSelf": True}]},
    )
    signed_post(client, channel.slug, body(chatter, mention))
    tips = list(Tip.objects.filter(channel=channel))
    assert [t.text for t in tips] == ["@派出所 路燈壞了"]
    assert tips[0].source == "group" and tips[0].group.kind == "group"


def test_resident_can_ask_to_be_removed(client, channel):
    signed_post(client, channel.slug, body(event("follow", 1, user_src())))
    signed_post(client, channel.slug, body(text(2, "取消訂閱")))
    friend = Contact.objects.get(channel=channel, kind="user")
    assert friend.status == "removed"
    assert friend.address == ""
    assert not Tip.objects.filter(channel=channel).exists()


# -------------------------------------------------------------------- bodies that are signed but bad


def raw_signed_post(client, slug, raw, content_type="application/json"):
    from jingmin.messaging.transports.line import compute_signature

    return client.post(
        f"/hooks/line/{slug}",
        data=raw,
        content_type=content_type,
        HTTP_X_LINE_SIGNATURE=compute_signature(SECRET, raw),
    )


@pytest.mark.parametrize(
    "bad,content_type",
    [
        ("NaN", "application/json"),
        ("Infinity", "text/plain"),
        ('"a\\u0000b"', "text/plain"),
    ],
)
def test_a_bad_event_is_rejected_alone_and_the_others_are_taken(client, channel, bad, content_type):
    good_before, good_after = event("follow", 1, user_src()), event("follow", 3, user_src(fake_user_id("x")))
    middle = json.dumps(event("message", 2, user_src())).replace('"mode": "active"', f'"mode": {bad}')
    events = ", ".join([json.dumps(good_before), middle, json.dumps(good_after)])
    raw = f'{{"destination": "{BOT}", "events": [{events}]}}'.encode()
    response = raw_signed_post(client, channel.slug, raw, content_type)
    assert response.status_code == 200, response.content
    counts = response.json()
    assert (counts["received"], counts["new"], counts["rejected"]) == (3, 2, 1)
    assert WebhookEvent.objects.filter(type="follow").count() == 2
    rejected = WebhookEvent.objects.get(type="rejected")
    assert rejected.payload["type"] == "message" and rejected.payload["problem"]
    again = raw_signed_post(client, channel.slug, raw, content_type)  # LINE redelivers: nothing doubles
    assert again.json()["new"] == 0 and WebhookEvent.objects.filter(type="rejected").count() == 1


def test_an_oversize_body_is_refused_before_it_is_read(client, channel, settings, caplog):
    settings.MESSAGING = {**settings.MESSAGING, "WEBHOOK_MAX_BYTES": 1000}
    raw = json.dumps(body(*[event("follow", n, user_src()) for n in range(40)])).encode()
    assert len(raw) > 1000
    response = raw_signed_post(client, channel.slug, raw)
    assert response.status_code == 413 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "body too large"}
    assert not WebhookEvent.objects.exists()
    assert "Traceback" not in caplog.text


def test_a_five_megabyte_body_gets_json_not_a_page(client, channel):
    raw = b'{"destination": "x", "events": [], "pad": "' + b"a" * (5 * 1024 * 1024) + b'"}'
    response = raw_signed_post(client, channel.slug, raw)
    assert response.status_code == 413 and response.json()["detail"] == "body too large"
