"""LINE Messaging API transport built on the official ``line-bot-sdk`` v3.

Only the small part of the Messaging API that Jingmin uses is wrapped:

* ``POST /v2/bot/message/push``       -> :meth:`LineTransport.push`
* ``POST /v2/bot/message/multicast``  -> :meth:`LineTransport.multicast` (at most 500 user IDs)
* ``POST /v2/bot/message/reply``      -> :meth:`LineTransport.reply`
* ``GET  /v2/bot/group/{id}/summary`` -> :meth:`LineTransport.group_summary`
* ``GET  /v2/bot/group/{id}/members/count`` -> :meth:`LineTransport.group_member_count`
* ``GET  /v2/bot/message/{id}/content`` (data host) -> :meth:`LineTransport.message_content`
* ``GET  /v2/bot/message/quota``      -> :meth:`LineTransport.quota`
* ``GET  /v2/bot/message/quota/consumption`` -> :meth:`LineTransport.consumption`
* ``GET  /v2/bot/profile/{userId}``  -> :meth:`LineTransport.profile` (404: not a friend / unknown user)

Exactly-once delivery relies on LINE's retry key: every push/multicast carries an
``X-Line-Retry-Key`` (a UUID chosen by the caller and *reused on every retry of
the same logical delivery*).  Once LINE has accepted a key, later requests with
the same key are rejected with ``409 Conflict`` and an
``x-line-accepted-request-id`` header; this module reports that as success.

Webhook helpers (:func:`verify_signature`, :func:`parse_events`) live here too.
No Django imports.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

import urllib3
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    MessagingApiBlob,
    MulticastRequest,
    PushMessageRequest,
    ReplyMessageRequest,
)
from pydantic.v1 import ValidationError

from . import DeliveryResult, TransportError

__all__ = [
    "DEFAULT_API_HOST",
    "MAX_MESSAGES_PER_REQUEST",
    "MAX_MULTICAST_RECIPIENTS",
    "MAX_TEXT_LENGTH",
    "MAX_URL_LENGTH",
    "LineTransport",
    "batches",
    "compute_signature",
    "image_message",
    "is_valid_retry_key",
    "new_retry_key",
    "parse_events",
    "text_length",
    "text_message",
    "validate_messages",
    "verify_signature",
]

DEFAULT_API_HOST = "https://api.line.me"
DEFAULT_DATA_HOST = "https://api-data.line.me"
MAX_MESSAGES_PER_REQUEST = 5
MAX_MULTICAST_RECIPIENTS = 500
MAX_TEXT_LENGTH = 5000  # counted in UTF-16 code units, as LINE does
MAX_URL_LENGTH = 2000

# ---------------------------------------------------------------------------
# Message builders and validation
# ---------------------------------------------------------------------------


def text_length(text: str) -> int:
    """Length of ``text`` as the Messaging API counts it: UTF-16 code units (an emoji counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def _check_text(text: Any, where: str = "text") -> None:
    if not isinstance(text, str):
        raise ValueError(f"{where}: LINE text message text must be a string, got {type(text).__name__}")
    if not text.strip():
        raise ValueError(f"{where}: LINE text message must not be empty")
    n = text_length(text)
    if n > MAX_TEXT_LENGTH:
        raise ValueError(
            f"{where}: LINE text message is {n} characters (UTF-16 code units); the limit is {MAX_TEXT_LENGTH}"
        )


def _check_https_url(url: Any, where: str) -> None:
    if not isinstance(url, str) or not url:
        raise ValueError(f"{where}: image URL must be a non-empty string")
    if len(url) > MAX_URL_LENGTH:
        raise ValueError(f"{where}: image URL is {len(url)} characters; LINE allows at most {MAX_URL_LENGTH}")
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc:
        raise ValueError(f"{where}: LINE requires an https:// image URL, got {url[:80]!r}")


def text_message(text: str) -> dict[str, Any]:
    """Build a LINE text message object (1..5000 UTF-16 code units)."""
    _check_text(text)
    return {"type": "text", "text": text}


def image_message(url: str, preview_url: str | None = None) -> dict[str, Any]:
    """Build a LINE image message object.

    Both URLs must be ``https://`` and at most 2000 characters.  ``preview_url``
    defaults to ``url``.
    """
    preview_url = url if preview_url is None else preview_url
    _check_https_url(url, "originalContentUrl")
    _check_https_url(preview_url, "previewImageUrl")
    return {"type": "image", "originalContentUrl": url, "previewImageUrl": preview_url}


def validate_messages(messages: Any) -> list[dict[str, Any]]:
    """Check a list of LINE message objects against the limits we rely on.

    1..5 messages per request; text and image messages are checked in depth,
    other message types (sticker, flex, ...) only need a ``type``.  Raises
    :class:`ValueError` with a clear message; returns the messages as a list.
    """
    if isinstance(messages, dict) or not isinstance(messages, Sequence) or isinstance(messages, str):
        raise ValueError("messages must be a list of LINE message objects")
    messages = list(messages)
    if not messages:
        raise ValueError("at least one message is required")
    if len(messages) > MAX_MESSAGES_PER_REQUEST:
        raise ValueError(
            f"LINE accepts at most {MAX_MESSAGES_PER_REQUEST} messages per request, got {len(messages)}"
        )
    for i, msg in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(msg, dict) or not isinstance(msg.get("type"), str) or not msg["type"]:
            raise ValueError(f"{where}: a LINE message object must be a dict with a 'type'")
        if msg["type"] == "text":
            _check_text(msg.get("text"), f"{where}.text")
        elif msg["type"] == "image":
            _check_https_url(msg.get("originalContentUrl"), f"{where}.originalContentUrl")
            _check_https_url(msg.get("previewImageUrl"), f"{where}.previewImageUrl")
    return messages


def batches(user_ids: Iterable[str], size: int = MAX_MULTICAST_RECIPIENTS) -> list[list[str]]:
    """Split ``user_ids`` into consecutive chunks of at most ``size`` (default 500, LINE's multicast cap).

    Order is preserved and nothing is deduplicated, so the batches are stable for
    a given input (each batch should get its own, persisted, retry key).
    """
    if size < 1 or size > MAX_MULTICAST_RECIPIENTS:
        raise ValueError(f"batch size must be between 1 and {MAX_MULTICAST_RECIPIENTS}")
    ids = list(user_ids)
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def new_retry_key() -> str:
    """A fresh ``X-Line-Retry-Key`` value (UUID4, hex with hyphens)."""
    return str(uuid.uuid4())


def is_valid_retry_key(key: Any) -> bool:
    """``True`` when ``key`` is a UUID string as LINE expects (e.g. ``123e4567-e89b-12d3-a456-426614174000``)."""
    if isinstance(key, uuid.UUID):
        return True
    if not isinstance(key, str) or len(key) != 36:
        return False
    try:
        uuid.UUID(key)
    except ValueError:
        return False
    return True


def _normalise_retry_key(retry_key: Any) -> str:
    if not is_valid_retry_key(retry_key):
        raise ValueError(f"retry_key must be a UUID string (X-Line-Retry-Key), got {retry_key!r}")
    return str(retry_key)


# ---------------------------------------------------------------------------
# Webhook helpers
# ---------------------------------------------------------------------------


def compute_signature(channel_secret: str, body: bytes) -> str:
    """The ``X-Line-Signature`` LINE would send for ``body``: base64(HMAC-SHA256(secret, body))."""
    digest = hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_signature(channel_secret: str, body: bytes, signature: str | None) -> bool:
    """Check a webhook's ``X-Line-Signature`` header against the raw request body.

    Constant-time comparison of the decoded digests.  A missing, empty or
    non-base64 signature, or an empty channel secret, gives ``False``.
    """
    if not channel_secret or not signature or not isinstance(signature, str):
        return False
    if isinstance(body, str):  # be forgiving; LINE signs the UTF-8 bytes
        body = body.encode("utf-8")
    try:
        provided = base64.b64decode(signature.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    expected = hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    return hmac.compare_digest(provided, expected)


def parse_events(body: bytes) -> list[dict[str, Any]]:
    """Parse a webhook body (already signature-checked) and return its ``events`` list.

    The body must be a JSON object with a string ``destination`` and an
    ``events`` list of objects (LINE's verification request has an empty list).
    Raises :class:`ValueError` otherwise.
    """
    return parse_body(body)[1]


class NotJSONValue(str):
    """``NaN``, ``Infinity`` or ``-Infinity`` where JSON allows none (Python's parser would take them)."""


def event_problem(event):
    """Why one webhook event cannot be stored and acted on (None when it can): not an object with a
    ``type``, a NaN/Infinity number, or a NUL character (which PostgreSQL's JSON refuses)."""
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return "not an object with a 'type'"
    stack = [event]
    while stack:
        value = stack.pop()
        if isinstance(value, NotJSONValue):
            return f"holds {value}, which JSON does not allow"
        if isinstance(value, str) and "\x00" in value:
            return "holds a NUL character"
        if isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key:
                    return "holds a NUL character"
                stack.append(item)
        elif isinstance(value, list):
            stack.extend(value)
    return None


def parse_body(body: bytes):
    """(destination, events) of a webhook body. The body as a whole must be a JSON object with a string
    ``destination`` and an ``events`` list (else :class:`ValueError`); each event is checked on its own
    (:func:`event_problem`), so one bad event never drops the others."""
    try:
        data = json.loads(body, parse_constant=NotJSONValue)
    except (UnicodeDecodeError, json.JSONDecodeError, TypeError) as exc:
        raise ValueError(f"webhook body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError("webhook body must be a JSON object")
    destination = data.get("destination")
    if not isinstance(destination, str) or event_problem({"type": "-", "d": destination}):
        raise ValueError("webhook body has no 'destination' string")
    events = data.get("events")
    if not isinstance(events, list):
        raise ValueError("webhook body has no 'events' list")
    return destination, events


# ---------------------------------------------------------------------------
# Error mapping
# ---------------------------------------------------------------------------


def _header(headers: Any, name: str) -> str | None:
    if not headers:
        return None
    try:
        value = headers.get(name)
    except AttributeError:
        return None
    if value is None and isinstance(headers, dict):  # plain dict: case-insensitive fallback
        lname = name.lower()
        for k, v in headers.items():
            if k.lower() == lname:
                return v
    return value


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds: either delta-seconds or an HTTP date.  ``None`` if absent/garbled."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - time.time()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def _body_json(body: Any) -> dict[str, Any]:
    if isinstance(body, (bytes, bytearray)):
        body = body.decode("utf-8", "replace")
    if not body:
        return {}
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


def _error_message(status: int, data: dict[str, Any], raw: Any) -> str:
    message = data.get("message")
    if not message:
        text = raw.decode("utf-8", "replace") if isinstance(raw, (bytes, bytearray)) else (raw or "")
        message = text.strip()[:300] or f"HTTP {status}"
    details = data.get("details")
    if isinstance(details, list) and details:
        parts = []
        for d in details:
            if isinstance(d, dict):
                prop = d.get("property")
                parts.append(f"{prop}: {d.get('message')}" if prop else str(d.get("message")))
        if parts:
            message = f"{message} ({'; '.join(parts)})"
    return f"LINE API {status}: {message}"


def _map_api_exception(exc: ApiException) -> TransportError:
    status = int(exc.status or 0)
    data = _body_json(exc.body)
    retry_after = parse_retry_after(_header(exc.headers, "Retry-After"))
    if status == 0:  # SDK wraps TLS failures as status 0
        return TransportError(f"LINE API connection error: {exc.reason}", permanent=False)
    message = _error_message(status, data, exc.body)
    if status == 429 or status >= 500 or status == 408:
        return TransportError(message, permanent=False, retry_after=retry_after, status=status)
    return TransportError(message, permanent=True, retry_after=retry_after, status=status)


def _map_network_error(exc: BaseException) -> TransportError:
    if isinstance(exc, (urllib3.exceptions.TimeoutError, TimeoutError)):
        kind = "timed out"
    elif isinstance(exc, urllib3.exceptions.ProtocolError):
        kind = "connection dropped"
    elif isinstance(exc, (urllib3.exceptions.NewConnectionError, ConnectionRefusedError)):
        kind = "connection failed"
    else:
        kind = "network error"
    return TransportError(f"LINE API {kind}: {type(exc).__name__}: {exc}", permanent=False)


# ---------------------------------------------------------------------------
# Transport
# ---------------------------------------------------------------------------


class LineTransport:
    """Send messages through the LINE Messaging API.

    ``api_host`` lets tests and the chaos benchmark point the SDK at
    :class:`jingmin.messaging.tests.line_server.FakeLineServer`.  ``timeout`` is the total
    per-request timeout in seconds.  The underlying urllib3 pool never retries on
    its own (retries are the delivery worker's job, with the same retry key).

    Thread-safe (urllib3 pools are); create it after ``fork()`` in worker processes.
    """

    name = "line"

    def __init__(
        self,
        access_token: str,
        api_host: str = DEFAULT_API_HOST,
        timeout: float = 10.0,
        data_host: str | None = None,
    ) -> None:
        if not access_token:
            raise ValueError("a LINE channel access token is required")
        self.api_host = api_host.rstrip("/")
        # content downloads live on api-data.line.me; a custom API host (a test server) serves both
        if data_host is None:
            data_host = DEFAULT_DATA_HOST if self.api_host == DEFAULT_API_HOST else self.api_host
        self.data_host = data_host.rstrip("/")
        self.timeout = float(timeout)
        config = Configuration(host=self.api_host, access_token=access_token)
        config.retries = False  # urllib3: no silent re-sends; raise the original error
        self._client = ApiClient(config)
        self._api = MessagingApi(self._client)
        data_config = Configuration(host=self.data_host, access_token=access_token)
        data_config.retries = False
        self._data_client = ApiClient(data_config)
        self._blob = MessagingApiBlob(self._data_client)

    # -- lifecycle ---------------------------------------------------------
    def close(self) -> None:
        self._client.close()
        self._data_client.close()

    def __enter__(self) -> LineTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- sending -----------------------------------------------------------
    def push(self, to: str, messages: list[dict[str, Any]], retry_key: str) -> DeliveryResult:
        """Push up to 5 messages to one user, group or room ID.

        ``retry_key`` (UUID string) is sent as ``X-Line-Retry-Key``; reuse it when
        retrying the same delivery.  Returns a :class:`DeliveryResult` dict.
        """
        if not isinstance(to, str) or not to:
            raise ValueError("push: 'to' must be a non-empty LINE user/group/room ID")
        messages = validate_messages(messages)
        key = _normalise_retry_key(retry_key)
        request = self._build(PushMessageRequest, {"to": to, "messages": messages})
        return self._send(
            lambda: self._api.push_message_with_http_info(
                request, x_line_retry_key=key, _request_timeout=self.timeout
            ),
            retry_key=key,
        )

    def multicast(self, to: list[str], messages: list[dict[str, Any]], retry_key: str) -> DeliveryResult:
        """Send the same messages to 1..500 user IDs (use :func:`batches` for more)."""
        if isinstance(to, str) or not isinstance(to, Iterable):
            raise ValueError("multicast: 'to' must be a list of LINE user IDs")
        to = list(to)
        if not to:
            raise ValueError("multicast: at least one recipient is required")
        if len(to) > MAX_MULTICAST_RECIPIENTS:
            raise ValueError(
                f"multicast: LINE accepts at most {MAX_MULTICAST_RECIPIENTS} user IDs per request, "
                f"got {len(to)}; split them with batches()"
            )
        if not all(isinstance(u, str) and u for u in to):
            raise ValueError("multicast: every recipient must be a non-empty user ID string")
        messages = validate_messages(messages)
        key = _normalise_retry_key(retry_key)
        request = self._build(MulticastRequest, {"to": to, "messages": messages})
        return self._send(
            lambda: self._api.multicast_with_http_info(
                request, x_line_retry_key=key, _request_timeout=self.timeout
            ),
            retry_key=key,
        )

    def reply(self, reply_token: str, messages: list[dict[str, Any]]) -> DeliveryResult:
        """Reply to a webhook event.  Reply tokens are single-use and LINE rejects retry keys here."""
        if not isinstance(reply_token, str) or not reply_token:
            raise ValueError("reply: reply_token must be a non-empty string")
        messages = validate_messages(messages)
        request = self._build(ReplyMessageRequest, {"replyToken": reply_token, "messages": messages})
        return self._send(
            lambda: self._api.reply_message_with_http_info(request, _request_timeout=self.timeout),
            retry_key=None,
        )

    # -- reading -----------------------------------------------------------
    def group_summary(self, group_id: str) -> dict[str, Any]:
        """``{"groupId", "groupName", "pictureUrl"}`` (``pictureUrl`` may be ``None``)."""
        if not isinstance(group_id, str) or not group_id:
            raise ValueError("group_id must be a non-empty string")
        resp = self._call(
            lambda: self._api.get_group_summary_with_http_info(group_id, _request_timeout=self.timeout)
        )
        data = resp.data
        return {"groupId": data.group_id, "groupName": data.group_name, "pictureUrl": data.picture_url}

    def group_member_count(self, group_id: str) -> int:
        """Members of a group, not counting the official account (what a push to the group costs)."""
        if not isinstance(group_id, str) or not group_id:
            raise ValueError("group_id must be a non-empty string")
        resp = self._call(
            lambda: self._api.get_group_member_count_with_http_info(group_id, _request_timeout=self.timeout)
        )
        return int(resp.data.count)

    def message_content(self, message_id: str) -> bytes:
        """The content (image, video, audio, file) a user sent, from the data host."""
        if not isinstance(message_id, str) or not message_id:
            raise ValueError("message_id must be a non-empty string")
        resp = self._call(
            lambda: self._blob.get_message_content_with_http_info(message_id, _request_timeout=self.timeout)
        )
        return bytes(resp.data)

    def profile(self, user_id: str) -> dict[str, Any]:
        """A friend's profile: ``{"userId", "displayName", "pictureUrl", "statusMessage", "language"}``.

        LINE answers 404 for a user who is not (or no longer) a friend of the account, or unknown;
        that surfaces as a permanent :class:`TransportError` with ``status == 404``.
        """
        if not isinstance(user_id, str) or not user_id:
            raise ValueError("user_id must be a non-empty string")
        resp = self._call(
            lambda: self._api.get_profile_with_http_info(user_id, _request_timeout=self.timeout)
        )
        data = resp.data
        return {
            "userId": data.user_id,
            "displayName": data.display_name,
            "pictureUrl": data.picture_url,
            "statusMessage": data.status_message,
            "language": data.language,
        }

    def quota(self) -> dict[str, Any]:
        """Monthly message quota: ``{"type": "limited"|"none", "value": N|None}``."""
        resp = self._call(lambda: self._api.get_message_quota_with_http_info(_request_timeout=self.timeout))
        qtype = resp.data.type
        return {"type": str(getattr(qtype, "value", qtype)), "value": resp.data.value}

    def consumption(self) -> int:
        """Messages sent this month (``totalUsage``)."""
        resp = self._call(
            lambda: self._api.get_message_quota_consumption_with_http_info(_request_timeout=self.timeout)
        )
        return int(resp.data.total_usage)

    # -- internals ---------------------------------------------------------
    @staticmethod
    def _build(model: Any, payload: dict[str, Any]) -> Any:
        try:
            return model.from_dict(payload)
        except (ValidationError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"invalid LINE request: {exc}") from exc

    def _call(self, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except ApiException as exc:
            raise _map_api_exception(exc) from exc
        except ValidationError as exc:
            raise TransportError(f"LINE API returned an unexpected response: {exc}", permanent=False) from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise _map_network_error(exc) from exc

    def _send(self, fn: Callable[[], Any], retry_key: str | None) -> DeliveryResult:
        try:
            resp = fn()
        except ApiException as exc:
            if exc.status == 409 and retry_key:
                accepted = _header(exc.headers, "x-line-accepted-request-id")
                if accepted is not None or "retry key" in str(exc.body or "").lower():
                    data = _body_json(exc.body)
                    return {
                        "request_id": accepted or _header(exc.headers, "x-line-request-id"),
                        "sent_message_ids": _sent_ids(data.get("sentMessages")),
                        "already_accepted": True,
                        "status": 409,
                    }
            raise _map_api_exception(exc) from exc
        except ValidationError:
            # The request was accepted (2xx) but the SDK could not parse the body;
            # the message went out, so this must not be reported as a failure.
            last = getattr(self._client, "last_response", None)
            return {
                "request_id": _header(getattr(last, "getheaders", dict)(), "x-line-request-id")
                if last
                else None,
                "sent_message_ids": [],
                "already_accepted": False,
                "status": 200,
            }
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise _map_network_error(exc) from exc
        sent = getattr(resp.data, "sent_messages", None) or []
        return {
            "request_id": _header(resp.headers, "x-line-request-id"),
            "sent_message_ids": [m.id for m in sent],
            "already_accepted": False,
            "status": int(resp.status_code),
        }


def _sent_ids(items: Any) -> list[str]:
    if not isinstance(items, list):
        return []
    return [str(m["id"]) for m in items if isinstance(m, dict) and "id" in m]
