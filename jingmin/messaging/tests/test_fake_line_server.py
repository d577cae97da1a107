"""The fake LINE server's contract, checked with raw HTTP (independent of the SDK)."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jingmin.messaging.tests.line_server import FakeLineServer, fake_group_id, fake_user_id

TOKEN = "fake-token"
ALICE = fake_user_id("alice")
GROUP = fake_group_id("g")
REPO_ROOT = Path(__file__).resolve().parents[3]


class Client:
    def __init__(self, server: FakeLineServer) -> None:
        self.server = server

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = TOKEN,
        retry_key: str | None = None,
        content_type: str | None = "application/json",
        raw: bytes | None = None,
    ) -> tuple[int, dict[str, str], Any]:
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=5)
        headers: dict[str, str] = {}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if retry_key is not None:
            headers["X-Line-Retry-Key"] = retry_key
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        if data is not None and content_type:
            headers["Content-Type"] = content_type
        try:
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            payload = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, json.loads(payload or b"null")
        finally:
            conn.close()

    def push(self, to: str = ALICE, messages: Any = None, **kw: Any) -> tuple[int, dict[str, str], Any]:
        messages = [{"type": "text", "text": "hello"}] if messages is None else messages
        return self.call("POST", "/v2/bot/message/push", {"to": to, "messages": messages}, **kw)


@pytest.fixture
def server() -> Iterator[FakeLineServer]:
    with FakeLineServer(TOKEN, groups={GROUP: "巡守隊"}, slow_delay=0.3) as srv:
        yield srv


@pytest.fixture
def client(server: FakeLineServer) -> Client:
    return Client(server)


def test_url_and_request_id_on_every_response(server: FakeLineServer, client: Client) -> None:
    assert server.url == f"http://127.0.0.1:{server.port}" and server.port > 0
    seen = set()
    for call in (
        lambda: client.push(),
        lambda: client.push(token=None),
        lambda: client.call("GET", "/v2/bot/nope"),
        lambda: client.call("GET", "/v2/bot/message/quota"),
    ):
        _, headers, _ = call()
        assert uuid.UUID(headers["x-line-request-id"])
        seen.add(headers["x-line-request-id"])
    assert len(seen) == 4


def test_authentication(server: FakeLineServer, client: Client) -> None:
    status, _, body = client.push(token=None)
    assert status == 401 and "Authorization" in body["message"]
    status, _, body = client.push(token="wrong")
    assert status == 401 and body["message"].startswith("Authentication failed")
    status, _, _ = client.call("GET", "/v2/bot/message/quota/consumption", token="wrong")
    assert status == 401
    assert server.accepted == []


def test_content_type_and_json_are_required(server: FakeLineServer, client: Client) -> None:
    body = {"to": ALICE, "messages": [{"type": "text", "text": "x"}]}
    status, _, _ = client.call("POST", "/v2/bot/message/push", body, content_type="text/plain")
    assert status == 415
    status, _, resp = client.call("POST", "/v2/bot/message/push", raw=b"{not json")
    assert status == 400 and "JSON" in resp["message"]
    status, _, _ = client.call("POST", "/v2/bot/message/push", raw=b"[1, 2]")
    assert status == 400
    status, _, _ = client.call("GET", "/v2/bot/message/push")
    assert status == 405
    assert server.accepted == []


@pytest.mark.parametrize(
    ("body", "prop"),
    [
        ({"messages": [{"type": "text", "text": "x"}]}, "to"),
        ({"to": ALICE}, "messages"),
        ({"to": ALICE, "messages": []}, "messages"),
        ({"to": ALICE, "messages": [{"type": "text", "text": "x"}] * 6}, "messages"),
        ({"to": ALICE, "messages": [{"type": "txt", "text": "x"}]}, "messages[0].type"),
        ({"to": ALICE, "messages": [{"type": "text", "text": ""}]}, "messages[0].text"),
        ({"to": ALICE, "messages": [{"type": "text", "text": "🍎" * 2501}]}, "messages[0].text"),
        (
            {
                "to": ALICE,
                "messages": [
                    {"type": "image", "originalContentUrl": "http://a/b", "previewImageUrl": "https://a/b"}
                ],
            },
            "messages[0].originalContentUrl",
        ),
        (
            {"to": ALICE, "messages": [{"type": "image", "originalContentUrl": "https://a/b"}]},
            "messages[0].previewImageUrl",
        ),
    ],
)
def test_push_body_validation(server: FakeLineServer, client: Client, body: dict, prop: str) -> None:
    status, _, resp = client.call("POST", "/v2/bot/message/push", body, retry_key=str(uuid.uuid4()))
    assert status == 400
    assert resp["message"].startswith("The request body has")
    assert prop in [d["property"] for d in resp["details"]]
    assert server.accepted == [] and server.accepted_by_retry_key == {}


def test_push_recipient_validation(server: FakeLineServer, client: Client) -> None:
    for to in ("not-a-line-id", "U" + "0" * 31, fake_group_id("bot-not-member")):
        status, _, resp = client.push(to)
        assert status == 400 and resp["message"] == "The property, 'to', in the request body is invalid."
    assert client.push(GROUP)[0] == 200
    assert client.push("R" + "a" * 32)[0] == 200
    server.leave_group(GROUP)
    assert client.push(GROUP)[0] == 400
    lax = FakeLineServer(TOKEN, strict_ids=False)
    with lax:
        assert Client(lax).push("user-42")[0] == 200


def test_multicast_validation_and_delivery(server: FakeLineServer, client: Client) -> None:
    msgs = [{"type": "text", "text": "x"}]
    status, _, resp = client.call("POST", "/v2/bot/message/multicast", {"to": [], "messages": msgs})
    assert status == 400 and resp["details"][0] == {
        "message": "Size must be between 1 and 500",
        "property": "to",
    }
    too_many = [fake_user_id(i) for i in range(501)]
    status, _, resp = client.call("POST", "/v2/bot/message/multicast", {"to": too_many, "messages": msgs})
    assert status == 400 and resp["details"][0]["property"] == "to"
    status, _, resp = client.call(
        "POST", "/v2/bot/message/multicast", {"to": [ALICE, GROUP], "messages": msgs}
    )
    assert status == 400 and "to[1]" in resp["message"]  # multicast is for user IDs only
    status, _, resp = client.call(
        "POST", "/v2/bot/message/multicast", {"to": too_many[:500], "messages": msgs}
    )
    assert status == 200 and resp == {}
    assert len(server.per_recipient) == 500 and set(server.per_recipient.values()) == {1}


def test_retry_key_rules(server: FakeLineServer, client: Client) -> None:
    status, _, resp = client.push(retry_key="not-a-uuid")
    assert status == 400 and "X-Line-Retry-Key" in resp["message"]
    status, _, _ = client.call(
        "POST",
        "/v2/bot/message/reply",
        {"replyToken": "t", "messages": [{"type": "text", "text": "x"}]},
        retry_key=str(uuid.uuid4()),
    )
    assert status == 400  # retry keys are only for push/multicast/narrowcast/broadcast
    assert server.accepted == []


def test_repeated_retry_key_is_409_and_not_delivered_twice(server: FakeLineServer, client: Client) -> None:
    key = str(uuid.uuid4())
    status, headers, first = client.push(retry_key=key)
    assert status == 200 and len(first["sentMessages"]) == 1 and first["sentMessages"][0]["quoteToken"]
    status, headers2, second = client.push(retry_key=key)
    assert status == 409 and second["message"] == "The retry key is already accepted"
    assert headers2["x-line-accepted-request-id"] == headers["x-line-request-id"]
    assert headers2["x-line-request-id"] != headers["x-line-request-id"]
    assert second["sentMessages"] == first["sentMessages"]
    # Even a retry that would now fail validation for another reason is a conflict, not a re-send.
    status, _, _ = client.call(
        "POST",
        "/v2/bot/message/multicast",
        {"to": [ALICE], "messages": [{"type": "text", "text": "x"}]},
        retry_key=key,
    )
    assert status == 409
    assert server.accepted_by_retry_key[key] == 1 and server.attempts_by_retry_key[key] == 3
    assert server.delivered(ALICE) == 1 and server.conflicts == 2


def test_failed_attempt_does_not_burn_the_retry_key(server: FakeLineServer, client: Client) -> None:
    key = str(uuid.uuid4())
    server.script([500, 429])
    assert client.push(retry_key=key)[0] == 500
    status, headers, _ = client.push(retry_key=key)
    assert status == 429 and headers["retry-after"] == "1"
    assert client.push(retry_key=key)[0] == 200
    assert client.push(retry_key=key)[0] == 409
    assert server.delivered(ALICE) == 1
    assert server.injected == {"500": 1, "429": 1}


def test_scripted_drop_and_timeout(server: FakeLineServer, client: Client) -> None:
    server.script(["drop", "drop_after_accept"])
    for _ in range(2):
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            client.push(retry_key=str(uuid.uuid4()))
    assert len(server.accepted) == 1  # only the drop_after_accept one went out
    server.script(["timeout"])
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=0.1)
    conn.request(
        "POST",
        "/v2/bot/message/push",
        body=json.dumps({"to": ALICE, "messages": [{"type": "text", "text": "x"}]}),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    with pytest.raises(TimeoutError):
        conn.getresponse()
    conn.close()
    assert len(server.accepted) == 2  # accepted although the client gave up


def test_reply_group_summary_quota(server: FakeLineServer, client: Client) -> None:
    msgs = [{"type": "text", "text": "x"}]
    status, _, resp = client.call("POST", "/v2/bot/message/reply", {"replyToken": "tok1", "messages": msgs})
    assert status == 200 and len(resp["sentMessages"]) == 1
    status, _, resp = client.call("POST", "/v2/bot/message/reply", {"replyToken": "tok1", "messages": msgs})
    assert status == 400 and resp["message"] == "Invalid reply token"
    status, _, resp = client.call("GET", f"/v2/bot/group/{GROUP}/summary")
    assert status == 200 and resp == {"groupId": GROUP, "groupName": "巡守隊"}  # no picture -> no pictureUrl
    assert client.call("GET", f"/v2/bot/group/{fake_group_id('x')}/summary")[0] == 404
    assert client.call("GET", "/v2/bot/message/quota")[2] == {"type": "none"}
    server.quota_limit = 2
    assert client.call("GET", "/v2/bot/message/quota")[2] == {"type": "limited", "value": 2}
    assert client.push()[0] == 200
    assert client.push(fake_user_id("b"))[0] == 200
    status, _, resp = client.push(fake_user_id("c"))
    assert status == 429 and "monthly limit" in resp["message"]
    assert client.call("GET", "/v2/bot/message/quota/consumption")[2] == {"totalUsage": 2}


def test_random_failures_are_seeded() -> None:
    def run(seed: int) -> list[int]:
        with FakeLineServer(TOKEN, failure_rate=0.5, failure_kinds=[429, 500, 503], seed=seed) as srv:
            c = Client(srv)
            return [c.push(fake_user_id(i))[0] for i in range(30)]

    first, second, other = run(3), run(3), run(4)
    assert first == second and first != other
    assert {200, 429} <= set(first) and len([s for s in first if s == 200]) < 30


def test_failure_kinds_are_checked() -> None:
    with pytest.raises(ValueError):
        FakeLineServer(TOKEN, failure_rate=0.1, failure_kinds=["explode"])
    with pytest.raises(ValueError):
        FakeLineServer(TOKEN).script([200])
    with pytest.raises(ValueError):
        FakeLineServer(TOKEN, failure_rate=1.5)


def test_concurrent_clients_share_state_safely(server: FakeLineServer, client: Client) -> None:
    keys = [str(uuid.uuid4()) for _ in range(20)]
    results: list[int] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        for key in keys:  # every thread sends every key: 8 attempts per key, one acceptance
            status = client.push(fake_user_id(key), retry_key=key)[0]
            with lock:
                results.append(status)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(200) == 20 and results.count(409) == 140
    assert set(server.accepted_by_retry_key.values()) == {1} and len(server.accepted) == 20


def test_control_endpoints_and_stats_file(tmp_path: Path) -> None:
    stats_file = tmp_path / "stats.json"
    with FakeLineServer(TOKEN, stats_file=stats_file) as srv:
        c = Client(srv)
        key = str(uuid.uuid4())
        assert c.call("POST", "/__script", {"failures": [503]}, token=None)[0] == 200
        assert c.push(retry_key=key)[0] == 503
        assert c.push(retry_key=key)[0] == 200
        status, _, stats = c.call("GET", "/__stats", token=None)
        assert status == 200 and stats["accepted_total"] == 1 and stats["accepted_by_retry_key"] == {key: 1}
        assert stats["per_recipient"] == {ALICE: 1} and stats["status_counts"] == {"200": 1, "503": 1}
        assert json.loads(stats_file.read_text())["accepted_total"] == 1
        assert c.call("POST", "/__reset", token=None)[0] == 200
        assert srv.accepted == [] and c.push(retry_key=key)[0] == 200  # key forgotten by reset
    assert json.loads(stats_file.read_text())["accepted_total"] == 1  # written again on stop


def test_stop_closes_keep_alive_connections() -> None:
    srv = FakeLineServer(TOKEN).start()
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=2)
    conn.request("GET", "/v2/bot/message/quota", headers={"Authorization": f"Bearer {TOKEN}"})
    assert conn.getresponse().read()
    srv.stop()
    srv.stop()  # idempotent
    with pytest.raises((ConnectionError, http.client.HTTPException, OSError)):
        conn.request("GET", "/v2/bot/message/quota", headers={"Authorization": f"Bearer {TOKEN}"})
        conn.getresponse()
    conn.close()


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_standalone_server_with_client_processes(tmp_path: Path) -> None:
    stats_file = tmp_path / "stats.json"
    url_file = tmp_path / "url.txt"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jingmin.messaging.tests.line_server",
            "--port",
            "0",
            "--token",
            "T",
            "--failure-rate",
            "0.3",
            "--failure-kinds",
            "429,500,drop,drop_after_accept,error_after_accept",
            "--retry-after",
            "0",
            "--stats-file",
            str(stats_file),
            "--url-file",
            str(url_file),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
        env=_env(),
    )
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url_file.read_text().strip() == url
        script = textwrap.dedent(
            """
            import sys, uuid
            from jingmin.messaging.tests.line_server import fake_user_id
            from jingmin.messaging.transports import TransportError
            from jingmin.messaging.transports.line import LineTransport, text_message
            t = LineTransport("T", api_host=sys.argv[1], timeout=2)
            worker = sys.argv[2]
            for i in range(15):
                key = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{worker}-{i}"))
                for _ in range(100):
                    try:
                        t.push(fake_user_id(f"{worker}-{i}"), [text_message("drill")], key)
                        break
                    except TransportError as exc:
                        assert not exc.permanent, exc
            """
        )
        clients = [
            subprocess.Popen([sys.executable, "-c", script, url, f"w{n}"], cwd=REPO_ROOT, env=_env())
            for n in range(3)
        ]
        assert [c.wait(timeout=60) for c in clients] == [0, 0, 0]
        conn = http.client.HTTPConnection(
            url.removeprefix("http://").split(":")[0], int(url.rsplit(":", 1)[1])
        )
        conn.request("GET", "/__stats")
        live = json.loads(conn.getresponse().read())
        conn.close()
        assert live["accepted_total"] == 45 and live["duplicate_retry_keys"] == []
        assert sum(live["injected_failures"].values()) > 0
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stats = json.loads(stats_file.read_text())
    assert stats["accepted_total"] == 45 and set(stats["per_recipient"].values()) == {1}
    assert set(stats["accepted_by_retry_key"].values()) == {1}
