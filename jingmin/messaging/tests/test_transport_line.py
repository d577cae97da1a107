"""LineTransport (line-bot-sdk v3) against the fake LINE server: round trips and error mapping."""

from __future__ import annotations

import email.utils
import pickle
import random
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from jingmin.messaging.tests.line_server import FakeLineServer, fake_group_id, fake_user_id
from jingmin.messaging.transports import TransportError
from jingmin.messaging.transports.line import (
    LineTransport,
    batches,
    image_message,
    new_retry_key,
    parse_retry_after,
    text_length,
    text_message,
    validate_messages,
)

TOKEN = "test-channel-access-token"
GROUP = fake_group_id("patrol")
LEFT_GROUP = fake_group_id("left")
ALICE = fake_user_id("alice")
CLIENT_TIMEOUT = 0.4


@pytest.fixture
def server() -> Iterator[FakeLineServer]:
    with FakeLineServer(
        TOKEN,
        groups={GROUP: {"groupName": "大安分局 巡守隊", "pictureUrl": "https://example.com/g.png"}},
        left_groups={LEFT_GROUP},
        slow_delay=CLIENT_TIMEOUT + 0.4,
        retry_after=3,
    ) as srv:
        yield srv


@pytest.fixture
def line(server: FakeLineServer) -> Iterator[LineTransport]:
    with LineTransport(TOKEN, api_host=server.url, timeout=CLIENT_TIMEOUT) as transport:
        yield transport


def _last_request(server: FakeLineServer, path: str) -> dict:
    return [r for r in server.requests if r["path"] == path][-1]


# --------------------------------------------------------------------- round trips
def test_push_round_trip_sends_bearer_token_and_retry_key(
    server: FakeLineServer, line: LineTransport
) -> None:
    key = new_retry_key()
    result = line.push(
        ALICE,
        [text_message("里長您好"), image_message("https://ex.com/a.jpg", "https://ex.com/a_s.jpg")],
        key,
    )

    assert result["status"] == 200 and result["already_accepted"] is False
    [accepted] = server.accepted
    assert result["request_id"] == accepted["request_id"]
    assert result["sent_message_ids"] == accepted["sent_message_ids"] and len(result["sent_message_ids"]) == 2
    assert accepted["to"] == [ALICE] and accepted["retry_key"] == key
    assert accepted["messages"][0] == {"type": "text", "text": "里長您好"}
    assert accepted["messages"][1]["originalContentUrl"] == "https://ex.com/a.jpg"
    req = _last_request(server, "/v2/bot/message/push")
    assert req["headers"]["authorization"] == f"Bearer {TOKEN}"
    assert req["headers"]["x-line-retry-key"] == key
    assert req["headers"]["content-type"].startswith("application/json")


def test_push_to_group(server: FakeLineServer, line: LineTransport) -> None:
    line.push(GROUP, [text_message("集合")], new_retry_key())
    assert server.delivered(GROUP) == 1


def test_multicast_round_trip(server: FakeLineServer, line: LineTransport) -> None:
    users = [fake_user_id(i) for i in range(3)]
    key = new_retry_key()
    result = line.multicast(users, [text_message("颱風警報")], key)
    assert result["status"] == 200 and result["request_id"] == server.accepted[0]["request_id"]
    assert [server.delivered(u) for u in users] == [1, 1, 1]
    assert server.accepted_by_retry_key[key] == 1
    assert _last_request(server, "/v2/bot/message/multicast")["headers"]["x-line-retry-key"] == key


def test_multicast_500_recipients_is_one_request(server: FakeLineServer, line: LineTransport) -> None:
    users = [fake_user_id(i) for i in range(500)]
    line.multicast(users, [text_message("x")], new_retry_key())
    assert len(server.accepted) == 1 and len(server.accepted[0]["to"]) == 500


def test_multicast_rejects_more_than_500(line: LineTransport) -> None:
    with pytest.raises(ValueError, match="at most 500"):
        line.multicast([fake_user_id(i) for i in range(501)], [text_message("x")], new_retry_key())
    with pytest.raises(ValueError):
        line.multicast([], [text_message("x")], new_retry_key())


def test_batches_split_at_500() -> None:
    ids = [fake_user_id(i) for i in range(1201)]
    chunks = batches(ids)
    assert [len(c) for c in chunks] == [500, 500, 201]
    assert [u for c in chunks for u in c] == ids
    assert batches([]) == []
    assert [len(c) for c in batches(ids[:10], size=3)] == [3, 3, 3, 1]
    with pytest.raises(ValueError):
        batches(ids, size=501)
    with pytest.raises(ValueError):
        batches(ids, size=0)


def test_reply_round_trip_without_retry_key(server: FakeLineServer, line: LineTransport) -> None:
    result = line.reply("reply-token-1", [text_message("收到")])
    assert result["status"] == 200 and len(result["sent_message_ids"]) == 1
    req = _last_request(server, "/v2/bot/message/reply")
    assert "x-line-retry-key" not in req["headers"]
    with pytest.raises(TransportError) as err:  # reply tokens are single use
        line.reply("reply-token-1", [text_message("again")])
    assert err.value.permanent and err.value.status == 400 and "Invalid reply token" in err.value.message


def test_quota_and_consumption(server: FakeLineServer, line: LineTransport) -> None:
    assert line.quota() == {"type": "none", "value": None}
    assert line.consumption() == 0
    line.push(ALICE, [text_message("a"), text_message("b")], new_retry_key())
    line.multicast([fake_user_id(i) for i in range(4)], [text_message("c")], new_retry_key())
    line.reply("rt", [text_message("free")])
    assert line.consumption() == 5  # one per recipient per request; replies are free
    server.quota_limit = 6
    assert line.quota() == {"type": "limited", "value": 6}
    with pytest.raises(TransportError) as err:
        line.multicast([fake_user_id(i) for i in range(2)], [text_message("c")], new_retry_key())
    assert err.value.status == 429 and not err.value.permanent and "monthly limit" in err.value.message


def test_group_summary(line: LineTransport) -> None:
    assert line.group_summary(GROUP) == {
        "groupId": GROUP,
        "groupName": "大安分局 巡守隊",
        "pictureUrl": "https://example.com/g.png",
    }
    for gid in (LEFT_GROUP, fake_group_id("unknown")):
        with pytest.raises(TransportError) as err:
            line.group_summary(gid)
        assert err.value.permanent and err.value.status == 404


# ------------------------------------------------------------------ error mapping
def test_429_with_retry_after_is_transient(server: FakeLineServer, line: LineTransport) -> None:
    server.script([429])
    with pytest.raises(TransportError) as err:
        line.push(ALICE, [text_message("x")], new_retry_key())
    assert err.value.status == 429 and err.value.permanent is False and err.value.retry_after == 3.0
    assert server.accepted == []


def test_429_without_retry_after(server: FakeLineServer, line: LineTransport) -> None:
    server.retry_after = None
    server.script([429])
    with pytest.raises(TransportError) as err:
        line.push(ALICE, [text_message("x")], new_retry_key())
    assert err.value.status == 429 and err.value.retry_after is None and not err.value.permanent


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_transient(server: FakeLineServer, line: LineTransport, status: int) -> None:
    server.script([status])
    with pytest.raises(TransportError) as err:
        line.multicast([ALICE], [text_message("x")], new_retry_key())
    assert err.value.status == status and err.value.permanent is False


def test_timeout_is_transient_and_retry_with_same_key_delivers_once(
    server: FakeLineServer, line: LineTransport
) -> None:
    key = new_retry_key()
    server.script(["timeout"])  # the server accepts, then answers too late
    started = time.monotonic()
    with pytest.raises(TransportError) as err:
        line.push(ALICE, [text_message("x")], key)
    assert time.monotonic() - started < CLIENT_TIMEOUT + 0.3
    assert err.value.permanent is False and err.value.status is None and "timed out" in err.value.message
    result = line.push(ALICE, [text_message("x")], key)
    assert result["already_accepted"] is True and result["status"] == 409
    assert result["request_id"] == server.accepted[0]["request_id"]
    assert result["sent_message_ids"] == server.accepted[0]["sent_message_ids"]
    assert server.accepted_by_retry_key[key] == 1 and server.delivered(ALICE) == 1


def test_connection_drop_is_transient(server: FakeLineServer, line: LineTransport) -> None:
    key = new_retry_key()
    server.script(["drop"])
    with pytest.raises(TransportError) as err:
        line.push(ALICE, [text_message("x")], key)
    assert err.value.permanent is False and err.value.status is None
    assert server.accepted == []
    assert line.push(ALICE, [text_message("x")], key)["already_accepted"] is False
    assert server.delivered(ALICE) == 1


@pytest.mark.parametrize("kind", ["drop_after_accept", "error_after_accept"])
def test_failure_after_accept_then_retry_is_409_success(
    server: FakeLineServer, line: LineTransport, kind: str
) -> None:
    key = new_retry_key()
    server.script([kind])
    with pytest.raises(TransportError) as err:
        line.multicast([ALICE], [text_message("x")], key)
    assert err.value.permanent is False
    result = line.multicast([ALICE], [text_message("x")], key)
    assert result["already_accepted"] is True and result["request_id"] == server.accepted[0]["request_id"]
    assert server.delivered(ALICE) == 1


def test_connection_refused_is_transient() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    transport = LineTransport(TOKEN, api_host=f"http://127.0.0.1:{port}", timeout=CLIENT_TIMEOUT)
    with pytest.raises(TransportError) as err:
        transport.push(ALICE, [text_message("x")], new_retry_key())
    assert err.value.permanent is False and err.value.status is None


def test_bot_left_group_is_permanent(server: FakeLineServer, line: LineTransport) -> None:
    with pytest.raises(TransportError) as err:
        line.push(LEFT_GROUP, [text_message("x")], new_retry_key())
    assert err.value.permanent is True and err.value.status == 400
    assert "The property, 'to', in the request body is invalid." in err.value.message
    server.leave_group(GROUP)
    with pytest.raises(TransportError) as err:
        line.push(GROUP, [text_message("x")], new_retry_key())
    assert err.value.permanent and err.value.status == 400
    assert server.accepted == []


def test_invalid_token_is_permanent(server: FakeLineServer) -> None:
    transport = LineTransport("revoked-token", api_host=server.url, timeout=CLIENT_TIMEOUT)
    for call in (lambda: transport.push(ALICE, [text_message("x")], new_retry_key()), transport.quota):
        with pytest.raises(TransportError) as err:
            call()
        assert err.value.permanent is True and err.value.status == 401
        assert "Authentication failed" in err.value.message
    assert server.accepted == []


def test_body_error_details_are_reported(server: FakeLineServer, line: LineTransport) -> None:
    # Bypass client-side validation to see LINE's error envelope mapped into the message.
    sticker = {"type": "sticker", "packageId": "446", "stickerId": ""}
    with pytest.raises(TransportError) as err:
        line.push(ALICE, [text_message("a"), sticker], new_retry_key())
    assert err.value.permanent and err.value.status == 400
    assert "messages[1].stickerId" in err.value.message
    with pytest.raises(ValueError):  # the SDK's models reject unknown message types before sending
        line.push(ALICE, [{"type": "bogus"}], new_retry_key())


def test_unparseable_success_body_is_still_success(server: FakeLineServer, line: LineTransport) -> None:
    # A 2xx means LINE accepted the request; a body the SDK cannot parse must not become a failure.
    from jingmin.messaging.tests.line_server import _Reply

    server._push = lambda *args: _Reply(200, {})  # type: ignore[method-assign]
    result = line.push(ALICE, [text_message("x")], new_retry_key())
    assert result["status"] == 200 and result["sent_message_ids"] == [] and result["request_id"]


def test_same_retry_key_twice_is_delivered_once(server: FakeLineServer, line: LineTransport) -> None:
    key = new_retry_key()
    first = line.push(ALICE, [text_message("x")], key)
    second = line.push(ALICE, [text_message("x")], key)
    assert first["already_accepted"] is False and second["already_accepted"] is True
    assert second["request_id"] == first["request_id"]
    assert server.accepted_by_retry_key[key] == 1 and len(server.accepted) == 1
    assert server.conflicts == 1 and server.status_counts[409] == 1


def test_chaos_with_retries_is_exactly_once() -> None:
    """Random 429/5xx/timeouts/drops; a retrying sender that reuses keys delivers each exactly once."""
    users = [fake_user_id(f"chaos{i}") for i in range(40)]
    with FakeLineServer(TOKEN, failure_rate=0.5, seed=7, slow_delay=0.25, retry_after=0) as srv:
        transport = LineTransport(TOKEN, api_host=srv.url, timeout=0.15)
        keys = {u: new_retry_key() for u in users}

        def deliver(user: str) -> int:
            for attempt in range(1, 60):
                try:
                    transport.push(user, [text_message("演練")], keys[user])
                    return attempt
                except TransportError as exc:
                    assert not exc.permanent
                    time.sleep(random.uniform(0, 0.01))
            raise AssertionError("never delivered")

        with ThreadPoolExecutor(8) as pool:
            attempts = list(pool.map(deliver, users))
        assert max(attempts) > 1  # failures really happened
        assert all(srv.delivered(u) == 1 for u in users)
        assert set(srv.accepted_by_retry_key.values()) == {1} and len(srv.accepted) == len(users)
        assert srv.stats()["duplicate_retry_keys"] == []


# ------------------------------------------------------------------ client-side validation
@pytest.mark.parametrize("text", ["", "   \n", "字" * 5001, "🍎" * 2501])
def test_text_message_limits(text: str) -> None:
    with pytest.raises(ValueError, match="text message"):
        text_message(text)


def test_text_length_counts_utf16_code_units() -> None:
    assert text_length("🍎") == 2 and text_length("警民") == 2
    assert text_message("🍎" * 2500)["text"] == "🍎" * 2500  # exactly 5000 units
    assert text_message("字" * 5000)


@pytest.mark.parametrize(
    ("url", "preview"),
    [
        ("http://example.com/a.jpg", "https://example.com/a.jpg"),
        ("https://example.com/a.jpg", "ftp://example.com/a.jpg"),
        ("https://" + "a" * 1995 + ".jpg", "https://example.com/p.jpg"),
        ("", "https://example.com/p.jpg"),
        ("https://", "https://example.com/p.jpg"),
    ],
)
def test_image_message_limits(url: str, preview: str) -> None:
    with pytest.raises(ValueError, match="URL"):
        image_message(url, preview)


def test_image_message_defaults_preview_to_original() -> None:
    assert image_message("https://example.com/a.jpg") == {
        "type": "image",
        "originalContentUrl": "https://example.com/a.jpg",
        "previewImageUrl": "https://example.com/a.jpg",
    }


def test_message_count_limits(line: LineTransport, server: FakeLineServer) -> None:
    six = [text_message(str(i)) for i in range(6)]
    with pytest.raises(ValueError, match="at most 5 messages"):
        line.push(ALICE, six, new_retry_key())
    with pytest.raises(ValueError, match="at least one"):
        line.push(ALICE, [], new_retry_key())
    with pytest.raises(ValueError):
        validate_messages([{"type": "text", "text": ""}])
    with pytest.raises(ValueError):
        validate_messages([{"text": "no type"}])
    with pytest.raises(ValueError):
        validate_messages({"type": "text", "text": "not a list"})
    with pytest.raises(ValueError):
        line.reply(
            "rt",
            [{"type": "image", "originalContentUrl": "http://x/a.jpg", "previewImageUrl": "https://x/b"}],
        )
    assert server.requests_total == 0  # nothing invalid ever reached the server


@pytest.mark.parametrize("key", ["", "not-a-uuid", "123e4567e89b12d3a456426614174000", None])
def test_retry_key_must_be_uuid(line: LineTransport, key: object) -> None:
    with pytest.raises(ValueError, match="retry_key"):
        line.push(ALICE, [text_message("x")], key)  # type: ignore[arg-type]


def test_parse_retry_after() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    future = email.utils.formatdate(time.time() + 60, usegmt=True)
    assert 55 <= parse_retry_after(future) <= 61
    assert parse_retry_after(email.utils.formatdate(time.time() - 60, usegmt=True)) == 0.0


def test_transport_error_pickles() -> None:
    err = TransportError("LINE API 429: slow down", permanent=False, retry_after=2.0, status=429)
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.message, copy.permanent, copy.retry_after, copy.status) == (
        "LINE API 429: slow down",
        False,
        2.0,
        429,
    )
    assert str(copy) == "LINE API 429: slow down"
