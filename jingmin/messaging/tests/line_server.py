"""Test support: a fake LINE Messaging API server for the tests and the delivery chaos benchmark.

Not part of the running application: the test suites (``messaging/tests/conftest.py``, the
analytics tests) start it in-process, and :mod:`jingmin.messaging.chaos` (``bench/line_chaos.py``)
runs it as a separate process.

:class:`FakeLineServer` is a threaded HTTP server on 127.0.0.1 that speaks the
part of the LINE Messaging API contract Jingmin uses:

====================================  =====================================================
``POST /v2/bot/message/push``         ``{"to": id, "messages": [1..5]}`` -> ``{"sentMessages": [...]}``
``POST /v2/bot/message/multicast``    ``{"to": [1..500 user ids], "messages": [...]}`` -> ``{}``
``POST /v2/bot/message/reply``        ``{"replyToken": t, "messages": [...]}`` -> ``{"sentMessages": [...]}``
``GET /v2/bot/group/{id}/summary``    ``{"groupId", "groupName", "pictureUrl"}``
``GET /v2/bot/group/{id}/members/count``  ``{"count": N}``
``GET /v2/bot/message/{id}/content``  the bytes given to :meth:`FakeLineServer.add_content` (404 otherwise)
``GET /v2/bot/message/quota``         ``{"type": "none"}`` or ``{"type": "limited", "value": N}``
``GET /v2/bot/message/quota/consumption``  ``{"totalUsage": N}``
``GET /v2/bot/profile/{userId}``      ``{"displayName", "userId", "pictureUrl"?, "statusMessage"?, "language"?}``
                                      for users given to :meth:`FakeLineServer.add_profile`; 404 otherwise
====================================  =====================================================

Validation follows the published reference: ``Authorization: Bearer <token>``
(401 otherwise), ``Content-Type: application/json`` on POSTs, body shape and
message limits (400 with LINE's ``{"message", "details": [...]}`` envelope),
``X-Line-Retry-Key`` must be a UUID and is only allowed on push/multicast.  A
request whose retry key was already accepted gets ``409`` with
``x-line-accepted-request-id`` and is *not* delivered again.  Every response
carries ``x-line-request-id``.

What the server accepted is recorded in :attr:`FakeLineServer.accepted`,
:attr:`FakeLineServer.accepted_by_retry_key` and
:attr:`FakeLineServer.per_recipient` (``Counter``\\ s), which is what the
exactly-once tests and the benchmark check.

Failure injection (seeded, reproducible), applied to ``/v2/...`` requests that
passed authentication:

* ``failure_rate`` -- probability of injecting one of ``failure_kinds`` at random;
* :meth:`FakeLineServer.script` -- an explicit queue consumed first, one item per request.

Failure kinds: an ``int`` status (``429`` comes with ``Retry-After``), or

* ``"timeout"``            -- deliver, then answer only after ``slow_delay`` s (client times out, but the message went out);
* ``"slow"``               -- wait ``slow_delay`` s first, then process and answer;
* ``"drop"``               -- close the socket without processing or answering;
* ``"drop_after_accept"``  -- deliver, then close the socket without answering;
* ``"error_after_accept"`` -- deliver, then answer 500.

Standalone (for ``bench/line_chaos.py``)::

    python -m jingmin.messaging.tests.line_server --port 0 --token T --failure-rate 0.3 \\
        --stats-file stats.json [--url-file url.txt] [--seed 1] [--slow-delay 2]

prints the base URL on its first stdout line, serves until SIGTERM/SIGINT (or
``POST /__shutdown``) and writes its statistics to ``--stats-file`` on
``GET /__stats`` and on shutdown.  Control endpoints (no auth): ``GET /__stats``,
``POST /__script`` (``{"failures": [429, "drop", ...]}``), ``POST /__reset``,
``POST /__shutdown``.

No Django imports.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import secrets
import signal
import socket
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = [
    "DEFAULT_FAILURE_KINDS",
    "FakeLineServer",
    "fake_group_id",
    "fake_user_id",
    "main",
]

DEFAULT_FAILURE_KINDS: tuple[int | str, ...] = (
    429,
    500,
    "timeout",
    "drop",
    "drop_after_accept",
    "error_after_accept",
)
_SPECIAL_KINDS = {"timeout", "slow", "drop", "drop_after_accept", "error_after_accept"}

USER_ID_RE = re.compile(r"^U[0-9a-f]{32}$")
GROUP_ID_RE = re.compile(r"^C[0-9a-f]{32}$")
ROOM_ID_RE = re.compile(r"^R[0-9a-f]{32}$")

MESSAGE_TYPES = (
    "text",
    "textV2",
    "sticker",
    "image",
    "video",
    "audio",
    "location",
    "imagemap",
    "template",
    "flex",
    "coupon",
)
MAX_TEXT = 5000
MAX_URL = 2000

MSG_AUTH_REQUIRED = (
    "Authorization header required. Must follow the scheme, 'Authorization: Bearer <ACCESS TOKEN>'"
)
MSG_AUTH_FAILED = "Authentication failed. Confirm that the access token in the authorization header is valid."
MSG_INVALID_TO = "The property, 'to', in the request body is invalid."
MSG_RETRY_ACCEPTED = "The retry key is already accepted"
MSG_RETRY_KEY_INVALID = "The value for the 'X-Line-Retry-Key' header is invalid"
MSG_RETRY_KEY_UNSUPPORTED = "The 'X-Line-Retry-Key' header is not supported by this API"
MSG_INVALID_REPLY_TOKEN = "Invalid reply token"
MSG_MONTHLY_LIMIT = "You have reached your monthly limit."
MSG_NOT_FOUND = "Not found"


def fake_user_id(n: int | str) -> str:
    """A deterministic, well-formed LINE user ID (``U`` + 32 hex) for test recipient ``n``."""
    return "U" + hashlib.md5(f"user:{n}".encode()).hexdigest()


def fake_group_id(n: int | str) -> str:
    """A deterministic, well-formed LINE group ID (``C`` + 32 hex)."""
    return "C" + hashlib.md5(f"group:{n}".encode()).hexdigest()


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _is_uuid(value: str) -> bool:
    if len(value) != 36:
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


class _Reply:
    __slots__ = ("status", "body", "headers")

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = headers or {}


def _error(status: int, message: str, details: list[tuple[str, str]] | None = None, **headers: str) -> _Reply:
    body: dict[str, Any] = {"message": message}
    if details:
        body["details"] = [{"message": m, "property": p} for p, m in details]
    return _Reply(status, body, {k.replace("_", "-"): v for k, v in headers.items()})


def _body_errors(details: list[tuple[str, str]]) -> _Reply:
    return _error(400, f"The request body has {len(details)} error(s)", details)


def _check_url(value: Any, prop: str, details: list[tuple[str, str]]) -> None:
    if not isinstance(value, str) or not value:
        details.append((prop, "must be specified"))
    elif len(value) > MAX_URL:
        details.append((prop, f"Length must be between 0 and {MAX_URL}"))
    elif not value.startswith("https://") or len(value) <= len("https://"):
        details.append((prop, "must be a valid HTTPS URL"))


def validate_message_objects(messages: Any) -> list[tuple[str, str]]:
    """LINE's checks on a ``messages`` array; returns ``[(property, message), ...]`` (empty when valid)."""
    details: list[tuple[str, str]] = []
    if messages is None:
        return [("messages", "must be specified")]
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        return [("messages", "Size must be between 1 and 5")]
    for i, msg in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(msg, dict):
            details.append((where, "must be an object"))
            continue
        kind = msg.get("type")
        if kind not in MESSAGE_TYPES:
            details.append(
                (f"{where}.type", f"Must be one of the following values: [{', '.join(MESSAGE_TYPES)}]")
            )
            continue
        if kind == "text":
            text = msg.get("text")
            if not isinstance(text, str):
                details.append((f"{where}.text", "must be specified"))
            elif not text.strip():
                details.append((f"{where}.text", "May not be empty"))
            elif _utf16_len(text) > MAX_TEXT:
                details.append((f"{where}.text", f"Length must be between 0 and {MAX_TEXT}"))
        elif kind == "image":
            _check_url(msg.get("originalContentUrl"), f"{where}.originalContentUrl", details)
            _check_url(msg.get("previewImageUrl"), f"{where}.previewImageUrl", details)
        elif kind == "sticker":
            for prop in ("packageId", "stickerId"):
                if not isinstance(msg.get(prop), str) or not msg.get(prop):
                    details.append((f"{where}.{prop}", "must be specified"))
    return details


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() closes connections itself; never wait on idle keep-alive threads
    allow_reuse_address = True
    request_queue_size = 512

    fake: FakeLineServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError, OSError)):
            return  # clients that timed out / went away: expected under chaos
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer
    timeout = 120  # idle keep-alive connections are closed after this
    server_version = "FakeLINE/1.0"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        try:  # answer in one go; avoids Nagle/delayed-ACK stalls of ~40 ms per request
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        self.server.fake._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.fake._track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:
        self.server.fake._handle(self, "GET")

    def do_POST(self) -> None:
        self.server.fake._handle(self, "POST")

    def do_PUT(self) -> None:
        self.server.fake._handle(self, "PUT")

    def do_DELETE(self) -> None:
        self.server.fake._handle(self, "DELETE")


class FakeLineServer:
    """Threaded fake of the LINE Messaging API (see module docstring).

    Args:
        token: the channel access token the server accepts.
        host, port: where to listen (``port=0`` picks a free port; see :attr:`url`).
        failure_rate: probability (0..1) of injecting a random failure per API request.
        failure_kinds: what to choose from when injecting at random.
        seed: seed for the failure RNG (reproducible chaos).
        slow_delay: seconds a ``"timeout"``/``"slow"`` response is held back (make it > the client timeout).
        retry_after: value of ``Retry-After`` on injected 429s (``None`` omits the header, as real LINE does).
        groups: ``{group_id: name}`` or ``{group_id: {"groupName", "pictureUrl", "memberCount"}}`` the bot is in.
        left_groups: group IDs the bot has left (push -> 400 invalid 'to', summary -> 404).
        profiles: ``{user_id: display_name}`` of the friends whose profile can be read (others: 404).
        quota_limit: monthly limit (``None`` -> quota type ``"none"``); exceeding it gives 429.
        strict_ids: require well-formed ``U…``/``C…``/``R…`` IDs (32 hex), as LINE does.
        stats_file: where :meth:`write_stats` writes (also on ``GET /__stats`` and :meth:`stop`).
    """

    def __init__(
        self,
        token: str = "test-channel-token",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        failure_rate: float = 0.0,
        failure_kinds: Iterable[int | str] = DEFAULT_FAILURE_KINDS,
        seed: int | None = 0,
        slow_delay: float = 2.0,
        retry_after: float | None = 1,
        groups: Mapping[str, Any] | None = None,
        left_groups: Iterable[str] = (),
        profiles: Mapping[str, str] | None = None,
        quota_limit: int | None = None,
        strict_ids: bool = True,
        stats_file: str | os.PathLike[str] | None = None,
    ) -> None:
        if not 0.0 <= failure_rate <= 1.0:
            raise ValueError("failure_rate must be between 0 and 1")
        self.token = token
        self.host = host
        self._requested_port = port
        self.failure_rate = failure_rate
        self.failure_kinds = tuple(self._check_kind(k) for k in failure_kinds)
        if failure_rate and not self.failure_kinds:
            raise ValueError("failure_kinds must not be empty when failure_rate > 0")
        self.seed = seed
        self.slow_delay = float(slow_delay)
        self.retry_after = retry_after
        self.quota_limit = quota_limit
        self.strict_ids = strict_ids
        self.stats_file = os.fspath(stats_file) if stats_file is not None else None

        self._lock = threading.RLock()
        self._rng = random.Random(seed)
        self.groups: dict[str, dict[str, Any]] = {}
        for gid, info in (groups or {}).items():
            if isinstance(info, str):
                self.add_group(gid, info)
            else:
                self.add_group(
                    gid,
                    info.get("groupName", gid),
                    info.get("pictureUrl"),
                    member_count=int(info.get("memberCount", 1)),
                )
        self.left_groups: set[str] = set(left_groups)
        self.contents: dict[str, tuple[bytes, str]] = {}
        self.profiles: dict[str, dict[str, Any]] = {}
        for uid, name in (profiles or {}).items():
            self.add_profile(uid, name)

        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._stopping = False
        self.stopped = threading.Event()
        self._reset_state()

    # ------------------------------------------------------------------ state
    def _reset_state(self) -> None:
        with self._lock:
            self.accepted: list[dict[str, Any]] = []
            self.accepted_by_retry_key: Counter[str] = Counter()
            self.attempts_by_retry_key: Counter[str] = Counter()
            self.per_recipient: Counter[str] = Counter()
            self.status_counts: Counter[int] = Counter()
            self.injected: Counter[str] = Counter()
            self.requests: deque[dict[str, Any]] = deque(maxlen=2000)
            self.requests_total = 0
            self.conflicts = 0
            self._accepted_keys: dict[str, tuple[str, list[dict[str, str]]]] = {}
            self._used_reply_tokens: set[str] = set()
            self._consumption = 0
            self._message_seq = 0
            self._script: deque[int | str] = deque()

    def reset(self) -> None:
        """Forget all deliveries, counters and scripted failures (groups and settings stay)."""
        self._reset_state()

    @staticmethod
    def _check_kind(kind: int | str) -> int | str:
        if isinstance(kind, bool):
            raise ValueError(f"unknown failure kind {kind!r}")
        if isinstance(kind, int) or (isinstance(kind, str) and kind.isdigit()):
            status = int(kind)
            if not 400 <= status <= 599:
                raise ValueError(f"injected failure status must be 4xx/5xx, got {status}")
            return status
        if kind not in _SPECIAL_KINDS:
            raise ValueError(
                f"unknown failure kind {kind!r}; use an HTTP status or one of {sorted(_SPECIAL_KINDS)}"
            )
        return kind

    def script(self, failures: Iterable[int | str]) -> None:
        """Queue failures for the next API requests, in order, e.g. ``[429, 500, "timeout", "drop"]``."""
        kinds = [self._check_kind(k) for k in failures]
        with self._lock:
            self._script.extend(kinds)

    def add_group(
        self, group_id: str, name: str, picture_url: str | None = None, *, member_count: int = 1
    ) -> None:
        """Register a group the bot is a member of."""
        with self._lock:
            self.groups[group_id] = {
                "groupName": name,
                "pictureUrl": picture_url,
                "memberCount": member_count,
            }
            if hasattr(self, "left_groups"):
                self.left_groups.discard(group_id)

    def add_content(self, message_id: str, data: bytes, content_type: str = "image/jpeg") -> None:
        """Make ``GET /v2/bot/message/{message_id}/content`` answer ``data``."""
        with self._lock:
            self.contents[message_id] = (bytes(data), content_type)

    def add_profile(
        self,
        user_id: str,
        display_name: str,
        *,
        picture_url: str | None = None,
        status_message: str | None = None,
        language: str | None = None,
    ) -> None:
        """Make ``GET /v2/bot/profile/{user_id}`` answer this friend's profile (unknown users get 404)."""
        with self._lock:
            self.profiles[user_id] = {
                "displayName": display_name,
                "pictureUrl": picture_url,
                "statusMessage": status_message,
                "language": language,
            }

    def remove_profile(self, user_id: str) -> None:
        """The user blocked the account or was never a friend: their profile answers 404."""
        with self._lock:
            self.profiles.pop(user_id, None)

    def set_consumption(self, total_usage: int) -> None:
        """Set this month's usage reported by ``GET /v2/bot/message/quota/consumption``."""
        with self._lock:
            self._consumption = int(total_usage)

    def leave_group(self, group_id: str) -> None:
        """Simulate the bot leaving (or being kicked from) a group."""
        with self._lock:
            self.left_groups.add(group_id)

    def delivered(self, recipient: str) -> int:
        """How many accepted requests reached ``recipient``."""
        with self._lock:
            return self.per_recipient[recipient]

    def stats(self) -> dict[str, Any]:
        """JSON-serialisable snapshot of what the server saw and accepted."""
        with self._lock:
            return {
                "url": self.url if self._httpd else None,
                "requests_total": self.requests_total,
                "accepted_total": len(self.accepted),
                "accepted_messages_total": sum(len(a["messages"]) for a in self.accepted),
                "accepted_by_endpoint": dict(Counter(a["endpoint"] for a in self.accepted)),
                "accepted_by_retry_key": dict(self.accepted_by_retry_key),
                "duplicate_retry_keys": sorted(k for k, n in self.accepted_by_retry_key.items() if n > 1),
                "attempts_by_retry_key_max": max(self.attempts_by_retry_key.values(), default=0),
                "per_recipient": dict(self.per_recipient),
                "status_counts": {str(k): v for k, v in sorted(self.status_counts.items())},
                "injected_failures": dict(self.injected),
                "conflicts_409": self.conflicts,
                "consumption": self._consumption,
            }

    def write_stats(self, path: str | os.PathLike[str] | None = None) -> str | None:
        """Atomically write :meth:`stats` as JSON to ``path`` (default: ``stats_file``)."""
        target = os.fspath(path) if path is not None else self.stats_file
        if not target:
            return None
        data = json.dumps(self.stats(), indent=1, sort_keys=True)
        directory = os.path.dirname(os.path.abspath(target))
        fd, tmp = tempfile.mkstemp(prefix=".fakeline-", suffix=".json", dir=directory)
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        return target

    # -------------------------------------------------------------- lifecycle
    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server not started")
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> FakeLineServer:
        if self._httpd is not None:
            return self
        httpd = _HTTPServer((self.host, self._requested_port), _Handler)
        httpd.fake = self
        self._httpd = httpd
        self._stopping = False
        self.stopped.clear()
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="FakeLineServer", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, cut open connections and write the stats file (if configured). Idempotent."""
        with self._lock:
            httpd, self._httpd = self._httpd, None
            if httpd is None:
                return
            self._stopping = True
            self._final_url = f"http://{self.host}:{httpd.server_address[1]}"
        httpd.shutdown()
        httpd.server_close()
        with self._lock:
            conns = list(self._connections)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)
        try:
            self.write_stats()
        finally:
            self.stopped.set()

    def __enter__(self) -> FakeLineServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    # ------------------------------------------------------------ HTTP plumbing
    def _send(self, handler: _Handler, request_id: str, reply: _Reply, *, count: bool = True) -> None:
        if isinstance(reply.body, bytes):
            data = reply.body
        else:
            data = json.dumps(reply.body, ensure_ascii=False).encode("utf-8")
        if count:  # API traffic only, not the /__ control endpoints
            with self._lock:
                self.status_counts[reply.status] += 1
        try:
            handler.send_response(reply.status)
            if "Content-Type" not in reply.headers:
                handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            handler.send_header("x-line-request-id", request_id)
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            if self._stopping:
                handler.send_header("Connection", "close")
                handler.close_connection = True
            handler.end_headers()
            handler.wfile.write(data)
            handler.wfile.flush()
        except OSError:
            handler.close_connection = True

    @staticmethod
    def _drop(handler: _Handler) -> None:
        handler.close_connection = True
        try:
            handler.wfile.flush()
        except OSError:
            pass
        try:
            handler.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _next_failure(self) -> int | str | None:
        with self._lock:
            if self._script:
                return self._script.popleft()
            if self.failure_rate and self._rng.random() < self.failure_rate:
                return self._rng.choice(self.failure_kinds)
        return None

    def _handle(self, handler: _Handler, method: str) -> None:
        request_id = str(uuid.uuid4())
        try:
            length = int(handler.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            handler.close_connection = True
            self._send(handler, request_id, _error(400, "Invalid Content-Length"))
            return
        body = handler.rfile.read(length) if length else b""
        path = unquote(urlsplit(handler.path).path)

        if path.startswith("/__"):
            self._send(handler, request_id, self._control(method, path, body), count=False)
            return

        route = self._route(method, path)
        with self._lock:
            self.requests_total += 1
            self.requests.append(
                {
                    "method": method,
                    "path": path,
                    "headers": {k.lower(): v for k, v in handler.headers.items()},
                    "body": body,
                    "request_id": request_id,
                }
            )
            key = handler.headers.get("X-Line-Retry-Key")
            if key:
                self.attempts_by_retry_key[key] += 1
        if isinstance(route, _Reply):
            self._send(handler, request_id, route)
            return

        auth = handler.headers.get("Authorization")
        if not auth:
            self._send(handler, request_id, _error(401, MSG_AUTH_REQUIRED))
            return
        if not secrets.compare_digest(auth.encode(), f"Bearer {self.token}".encode()):
            self._send(handler, request_id, _error(401, MSG_AUTH_FAILED))
            return

        failure = self._next_failure()
        if failure is not None:
            with self._lock:
                self.injected[str(failure)] += 1
        if isinstance(failure, int):
            if failure == 429:
                headers = {} if self.retry_after is None else {"Retry-After": f"{self.retry_after:g}"}
                self._send(handler, request_id, _Reply(429, {"message": "Too Many Requests"}, headers))
            else:
                self._send(handler, request_id, _error(failure, "Internal server error (injected)"))
            return
        if failure == "drop":
            self._drop(handler)
            return
        if failure == "slow":
            time.sleep(self.slow_delay)

        endpoint, params = route
        reply = self._process(endpoint, params, handler, body, request_id)

        if failure == "timeout":
            time.sleep(self.slow_delay)
        elif failure == "drop_after_accept":
            self._drop(handler)
            return
        elif failure == "error_after_accept":
            reply = _error(500, "Internal server error (injected after accept)")
        self._send(handler, request_id, reply)

    @staticmethod
    def _route(method: str, path: str) -> tuple[str, dict[str, str]] | _Reply:
        posts = {
            "/v2/bot/message/push": "push",
            "/v2/bot/message/multicast": "multicast",
            "/v2/bot/message/reply": "reply",
        }
        gets = {
            "/v2/bot/message/quota": "quota",
            "/v2/bot/message/quota/consumption": "consumption",
        }
        if path in posts:
            return (posts[path], {}) if method == "POST" else _error(405, "Method Not Allowed")
        if path in gets:
            return (gets[path], {}) if method == "GET" else _error(405, "Method Not Allowed")
        m = re.fullmatch(r"/v2/bot/group/([^/]+)/summary", path)
        if m:
            return (
                ("group_summary", {"groupId": m.group(1)})
                if method == "GET"
                else _error(405, "Method Not Allowed")
            )
        m = re.fullmatch(r"/v2/bot/group/([^/]+)/members/count", path)
        if m:
            return (
                ("group_member_count", {"groupId": m.group(1)})
                if method == "GET"
                else _error(405, "Method Not Allowed")
            )
        m = re.fullmatch(r"/v2/bot/profile/([^/]+)", path)
        if m:
            return (
                ("profile", {"userId": m.group(1)}) if method == "GET" else _error(405, "Method Not Allowed")
            )
        m = re.fullmatch(r"/v2/bot/message/([^/]+)/content", path)
        if m:
            return (
                ("content", {"messageId": m.group(1)})
                if method == "GET"
                else _error(405, "Method Not Allowed")
            )
        return _error(404, MSG_NOT_FOUND)

    # -------------------------------------------------------------- endpoints
    def _process(
        self, endpoint: str, params: dict[str, str], handler: _Handler, body: bytes, request_id: str
    ) -> _Reply:
        retry_key = handler.headers.get("X-Line-Retry-Key")
        if retry_key is not None:
            if endpoint not in ("push", "multicast"):
                return _error(400, MSG_RETRY_KEY_UNSUPPORTED)
            if not _is_uuid(retry_key):
                return _error(400, MSG_RETRY_KEY_INVALID)

        if endpoint == "quota":
            if self.quota_limit is None:
                return _Reply(200, {"type": "none"})
            return _Reply(200, {"type": "limited", "value": self.quota_limit})
        if endpoint == "consumption":
            with self._lock:
                return _Reply(200, {"totalUsage": self._consumption})
        if endpoint == "profile":
            uid = params["userId"]
            with self._lock:
                info = self.profiles.get(uid)
            if info is None:
                return _error(404, MSG_NOT_FOUND)
            out = {"displayName": info["displayName"], "userId": uid}
            out.update({k: v for k, v in info.items() if k != "displayName" and v is not None})
            return _Reply(200, out)
        if endpoint == "group_member_count":
            with self._lock:
                info = self.groups.get(params["groupId"])
                if info is None or params["groupId"] in self.left_groups:
                    return _error(404, MSG_NOT_FOUND)
                return _Reply(200, {"count": int(info.get("memberCount", 1))})
        if endpoint == "content":
            with self._lock:
                content = self.contents.get(params["messageId"])
            if content is None:
                return _error(404, MSG_NOT_FOUND)
            return _Reply(200, content[0], {"Content-Type": content[1]})
        if endpoint == "group_summary":
            gid = params["groupId"]
            with self._lock:
                info = self.groups.get(gid)
                if info is None or gid in self.left_groups:
                    return _error(404, MSG_NOT_FOUND)
                out = {"groupId": gid, "groupName": info["groupName"]}
                if info.get("pictureUrl"):
                    out["pictureUrl"] = info["pictureUrl"]
                return _Reply(200, out)

        # POST endpoints: JSON body
        ctype = (handler.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype != "application/json":
            return _error(415, "Unsupported Media Type: Content-Type must be application/json")
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return _error(400, "The request body could not be parsed as JSON")
        if not isinstance(data, dict):
            return _error(400, "The request body could not be parsed as JSON")

        if endpoint == "push":
            return self._push(data, retry_key, request_id)
        if endpoint == "multicast":
            return self._multicast(data, retry_key, request_id)
        return self._reply(data, request_id)

    def _new_sent_messages(self, messages: list[dict[str, Any]]) -> list[dict[str, str]]:
        out = []
        for _ in messages:
            self._message_seq += 1
            out.append(
                {
                    "id": str(500_000_000_000_000_000 + self._message_seq),
                    "quoteToken": secrets.token_urlsafe(24),
                }
            )
        return out

    def _conflict(self, retry_key: str, endpoint: str) -> _Reply:
        accepted_id, sent = self._accepted_keys[retry_key]
        self.conflicts += 1
        body: dict[str, Any] = {"message": MSG_RETRY_ACCEPTED}
        if endpoint == "push" and sent:
            body["sentMessages"] = sent
        return _Reply(409, body, {"x-line-accepted-request-id": accepted_id})

    def _valid_recipient(self, to: str, *, users_only: bool = False) -> bool:
        if to in self.left_groups:
            return False
        if not self.strict_ids:
            return bool(to)
        if USER_ID_RE.match(to):
            return True
        if users_only:
            return False
        if ROOM_ID_RE.match(to):
            return True
        if GROUP_ID_RE.match(to):
            return to in self.groups and to not in self.left_groups
        return False

    def _accept(
        self,
        endpoint: str,
        to: list[str],
        messages: list[dict[str, Any]],
        retry_key: str | None,
        request_id: str,
        *,
        billable: bool,
    ) -> list[dict[str, str]]:
        """Record a delivery (caller holds the lock)."""
        sent = self._new_sent_messages(messages)
        if billable:
            self._consumption += sum(int(self.groups.get(t, {}).get("memberCount", 1)) for t in to)
        if retry_key is not None:
            self._accepted_keys[retry_key] = (request_id, sent)
            self.accepted_by_retry_key[retry_key] += 1
        for t in to:
            self.per_recipient[t] += 1
        self.accepted.append(
            {
                "endpoint": endpoint,
                "request_id": request_id,
                "retry_key": retry_key,
                "to": list(to),
                "messages": messages,
                "sent_message_ids": [s["id"] for s in sent],
                "at": time.time(),
            }
        )
        return sent

    def _over_quota(self, to: list[str]) -> bool:
        if self.quota_limit is None:
            return False
        cost = sum(int(self.groups.get(t, {}).get("memberCount", 1)) for t in to)
        return self._consumption + cost > self.quota_limit

    def _push(self, data: dict[str, Any], retry_key: str | None, request_id: str) -> _Reply:
        details: list[tuple[str, str]] = []
        to = data.get("to")
        if not isinstance(to, str) or not to:
            details.append(("to", "must be specified"))
        details += validate_message_objects(data.get("messages"))
        if details:
            return _body_errors(details)
        messages = data["messages"]
        with self._lock:
            if retry_key is not None and retry_key in self._accepted_keys:
                return self._conflict(retry_key, "push")
            if not self._valid_recipient(to):
                return _error(400, MSG_INVALID_TO)
            if self._over_quota([to]):
                return _error(429, MSG_MONTHLY_LIMIT)
            sent = self._accept("push", [to], messages, retry_key, request_id, billable=True)
        return _Reply(200, {"sentMessages": sent})

    def _multicast(self, data: dict[str, Any], retry_key: str | None, request_id: str) -> _Reply:
        details: list[tuple[str, str]] = []
        to = data.get("to")
        if to is None:
            details.append(("to", "must be specified"))
        elif not isinstance(to, list) or not 1 <= len(to) <= 500:
            details.append(("to", "Size must be between 1 and 500"))
        else:
            for i, uid in enumerate(to):
                if not isinstance(uid, str) or not uid:
                    details.append((f"to[{i}]", "must be a string"))
        details += validate_message_objects(data.get("messages"))
        if details:
            return _body_errors(details)
        messages = data["messages"]
        with self._lock:
            if retry_key is not None and retry_key in self._accepted_keys:
                return self._conflict(retry_key, "multicast")
            for i, uid in enumerate(to):
                if not self._valid_recipient(uid, users_only=True):
                    return _error(400, f"The property, 'to[{i}]', in the request body is invalid.")
            if self._over_quota(to):
                return _error(429, MSG_MONTHLY_LIMIT)
            self._accept("multicast", to, messages, retry_key, request_id, billable=True)
        return _Reply(200, {})

    def _reply(self, data: dict[str, Any], request_id: str) -> _Reply:
        details: list[tuple[str, str]] = []
        token = data.get("replyToken")
        if not isinstance(token, str) or not token:
            details.append(("replyToken", "must be specified"))
        details += validate_message_objects(data.get("messages"))
        if details:
            return _body_errors(details)
        with self._lock:
            if token in self._used_reply_tokens:
                return _error(400, MSG_INVALID_REPLY_TOKEN)
            self._used_reply_tokens.add(token)
            sent = self._accept(
                "reply", [f"reply:{token}"], data["messages"], None, request_id, billable=False
            )
        return _Reply(200, {"sentMessages": sent})

    # ---------------------------------------------------------------- control
    def _control(self, method: str, path: str, body: bytes) -> _Reply:
        if path == "/__stats" and method == "GET":
            self.write_stats()
            return _Reply(200, self.stats())
        if path == "/__script" and method == "POST":
            try:
                failures = json.loads(body or b"{}").get("failures", [])
                self.script(failures)
            except (ValueError, AttributeError, TypeError) as exc:
                return _error(400, f"bad script: {exc}")
            return _Reply(200, {"queued": len(failures)})
        if path == "/__reset" and method == "POST":
            self.reset()
            return _Reply(200, {})
        if path == "/__shutdown" and method == "POST":
            threading.Thread(target=self.stop, name="FakeLineServer-stop", daemon=True).start()
            return _Reply(200, {"stopping": True})
        return _error(404, MSG_NOT_FOUND)


# ---------------------------------------------------------------------- CLI
def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m jingmin.messaging.tests.line_server",
        description="Run a fake LINE Messaging API server.",
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port (printed on stdout)")
    p.add_argument("--token", default="test-channel-token", help="channel access token to accept")
    p.add_argument("--failure-rate", type=float, default=0.0)
    p.add_argument(
        "--failure-kinds",
        default=",".join(str(k) for k in DEFAULT_FAILURE_KINDS),
        help="comma-separated: HTTP statuses and/or timeout,slow,drop,drop_after_accept,error_after_accept",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--slow-delay", type=float, default=2.0, help="seconds a 'timeout'/'slow' response is held"
    )
    p.add_argument("--retry-after", type=float, default=1.0, help="Retry-After on injected 429s (<0: omit)")
    p.add_argument("--stats-file", default=None)
    p.add_argument("--url-file", default=None, help="also write the base URL to this file once listening")
    p.add_argument("--group", action="append", default=[], metavar="ID[:NAME]", help="a group the bot is in")
    p.add_argument("--left-group", action="append", default=[], metavar="ID", help="a group the bot left")
    p.add_argument("--quota-limit", type=int, default=None)
    p.add_argument("--no-strict-ids", action="store_true", help="accept any non-empty recipient ID")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    groups = {}
    for spec in args.group:
        gid, _, name = spec.partition(":")
        groups[gid] = name or gid
    server = FakeLineServer(
        args.token,
        host=args.host,
        port=args.port,
        failure_rate=args.failure_rate,
        failure_kinds=[k.strip() for k in args.failure_kinds.split(",") if k.strip()],
        seed=args.seed,
        slow_delay=args.slow_delay,
        retry_after=None if args.retry_after < 0 else args.retry_after,
        groups=groups,
        left_groups=args.left_group,
        quota_limit=args.quota_limit,
        strict_ids=not args.no_strict_ids,
        stats_file=args.stats_file,
    )
    stop = threading.Event()

    def _on_signal(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    server.start()
    if args.url_file:  # written before the stdout line, so either can be waited on
        tmp = f"{args.url_file}.tmp"
        with open(tmp, "w") as fh:
            fh.write(server.url + "\n")
        os.replace(tmp, args.url_file)
    print(server.url, flush=True)
    try:
        while not stop.is_set() and not server.stopped.is_set():
            stop.wait(0.2)
    finally:
        server.stop()
    print(json.dumps({k: v for k, v in server.stats().items() if not isinstance(v, dict)}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
