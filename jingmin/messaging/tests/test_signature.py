"""Webhook signature verification and event parsing (no network, no Django)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingmin.messaging.transports.line import compute_signature, parse_events, verify_signature

SECRET = "8c570fa6dd201bb328f1c1eac23a96d8"
BODY = json.dumps(
    {
        "destination": "U" + "a" * 32,
        "events": [
            {
                "type": "message",
                "replyToken": "b60d432864f44d079f6d8efe86cf404b",
                "source": {"type": "group", "groupId": "C" + "1" * 32, "userId": "U" + "2" * 32},
                "message": {"type": "text", "id": "325708", "text": "巡邏時間?"},
            }
        ],
    },
    ensure_ascii=False,
).encode("utf-8")


def _reference_signature(secret: str, body: bytes) -> str:
    # Independent of the code under test: what LINE documents.
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def test_valid_signature() -> None:
    sig = _reference_signature(SECRET, BODY)
    assert compute_signature(SECRET, BODY) == sig
    assert verify_signature(SECRET, BODY, sig) is True


def test_tampered_body_is_rejected() -> None:
    sig = _reference_signature(SECRET, BODY)
    tampered = BODY.replace("巡邏".encode(), "攻擊".encode())
    assert tampered != BODY
    assert verify_signature(SECRET, tampered, sig) is False
    assert verify_signature(SECRET, BODY + b" ", sig) is False


def test_wrong_secret_is_rejected() -> None:
    sig = _reference_signature("another-channel-secret", BODY)
    assert verify_signature(SECRET, BODY, sig) is False


@pytest.mark.parametrize("signature", [None, "", "   "])
def test_missing_signature_is_rejected(signature: str | None) -> None:
    assert verify_signature(SECRET, BODY, signature) is False


@pytest.mark.parametrize(
    "signature",
    [
        "not base64!!",
        "%%%%",
        "abc",  # bad padding
        "簽章",  # non-ASCII
        base64.b64encode(b"short").decode(),  # valid base64, wrong length
        base64.b64encode(b"\0" * 32).decode(),  # right length, wrong digest
    ],
)
def test_garbled_signature_is_rejected(signature: str) -> None:
    assert verify_signature(SECRET, BODY, signature) is False


def test_empty_channel_secret_never_verifies() -> None:
    # An unconfigured secret must not turn into "anyone can sign with the empty key".
    assert verify_signature("", BODY, _reference_signature("", BODY)) is False


@settings(max_examples=60, deadline=None)
@given(secret=st.text(min_size=1, max_size=40), body=st.binary(max_size=300), flip=st.integers(min_value=0))
def test_signature_property(secret: str, body: bytes, flip: int) -> None:
    sig = _reference_signature(secret, body)
    assert verify_signature(secret, body, sig)
    if body:
        i = flip % len(body)
        mutated = body[:i] + bytes([body[i] ^ 0x01]) + body[i + 1 :]
        assert not verify_signature(secret, mutated, sig)


def test_parse_events_returns_events() -> None:
    events = parse_events(BODY)
    assert len(events) == 1
    assert events[0]["message"]["text"] == "巡邏時間?"


def test_parse_events_accepts_verification_request() -> None:
    assert parse_events(b'{"destination": "Uxxx", "events": []}') == []


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"\xff\xfe",
        b"[]",
        b'{"events": []}',
        b'{"destination": "U1"}',
        b'{"destination": "U1", "events": {}}',
        b'{"destination": 5, "events": []}',
        b'{"destination": NaN, "events": []}',
    ],
)
def test_parse_events_rejects_malformed_bodies(body: bytes) -> None:
    with pytest.raises(ValueError):
        parse_events(body)


@pytest.mark.parametrize(
    "event",
    [
        1,
        {"no": "type"},
        {"type": "message", "x": float("nan")},
        {"type": "message", "t": "a\x00b"},
        {"type": "x", "k\x00": 1},
    ],
)
def test_a_bad_event_is_named_alone(event) -> None:
    """One bad event is found by itself (the body's other events stay good)."""
    from jingmin.messaging.transports.line import NotJSONValue, event_problem, parse_body

    if isinstance(event, dict) and "x" in event:
        event = {"type": "message", "x": NotJSONValue("NaN")}
    assert event_problem(event) is not None
    assert event_problem({"type": "follow", "source": {"type": "user", "userId": "U1"}}) is None
    _destination, events = parse_body(
        b'{"destination": "U1", "events": [{"type": "a", "n": Infinity}, {"type": "b"}]}'
    )
    assert [event_problem(e) is None for e in events] == [False, True]
