"""``jingmin serve`` with real processes: it runs and supervises the task worker, so a campaign sent
while it serves is delivered; a worker killed with SIGKILL mid-send is started again and its
deliveries are taken over and completed; SIGTERM stops every child; ``--no-worker`` runs none; two
instances have control sockets of their own.

One SQLite file in a temporary directory, a free port, the fake LINE server in this process."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from jingmin.messaging import chaos
from jingmin.messaging.tests.line_server import FakeLineServer

GROUPS = 5
CHIEF = "chaos-chief"  # the station chief made by ``python -m jingmin.messaging.chaos setup``


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(tmp):
    env = {k: v for k, v in os.environ.items() if not k.startswith("JINGMIN_") and k != "DATABASE_URL"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests of this process
    env.update(
        DJANGO_SETTINGS_MODULE="jingmin.settings",
        JINGMIN_VAR_DIR=str(tmp),
        JINGMIN_SQLITE_PATH=str(tmp / "serve.sqlite3"),
        JINGMIN_SECRET_KEY="serve-test-secret-key",
        JINGMIN_DEMO="0",
        JINGMIN_LINE_TIMEOUT="20",
        JINGMIN_MESSAGING_LEASE_SECONDS="3",
        JINGMIN_MESSAGING_BACKOFF_BASE="0.2",
        JINGMIN_WORKER_HEARTBEAT_SECONDS="1",
        JINGMIN_WORKER_ALIVE_SECONDS="3",
        JINGMIN_WORKER_LOST_SECONDS="3",
    )
    return env


def shell(env, code):
    """Run Python inside Django (``jingmin manage shell``) on the served database; its last line as JSON."""
    out = subprocess.run(
        [sys.executable, "-m", "jingmin.cli", "manage", "shell", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


SEND = f"""
from django.contrib.auth import get_user_model
from jingmin.messaging import actions
c = actions.send(acting_user=get_user_model().objects.get(username={CHIEF!r}), title="second", text="second")
print(c.pk)
"""

STATE = """
import json
from django.db.models import Count
from django_tasks_db.models import DBTaskResult
from jingmin.messaging.models import Campaign, Delivery
from jingmin.org.workers import LOST
print(json.dumps({
    "deliveries": dict(Delivery.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")),
    "campaigns": dict(Campaign.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")),
    "reaped": DBTaskResult.objects.filter(exception_class_path=LOST).count(),
    "running": DBTaskResult.objects.filter(status="RUNNING").count(),
}))
"""


class Served:
    """One ``jingmin serve`` process and its log."""

    def __init__(self, tmp, env, *args, name="serve"):
        self.port = free_port()
        self.log = tmp / f"{name}.log"
        self.out = open(self.log, "w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jingmin.cli",
                "serve",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--threads",
                "2",
                "--stop-timeout",
                "8",
                *args,
            ],
            env=env,
            stdout=self.out,
            stderr=subprocess.STDOUT,
        )

    def text(self):
        return self.log.read_text()

    def wait_until(self, predicate, timeout, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"jingmin serve exited ({self.proc.returncode}):\n{self.text()}")
            value = predicate()
            if value:
                return value
            time.sleep(0.3)
        raise AssertionError(f"not {what} after {timeout} s:\n{self.text()[-4000:]}")

    def healthy(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def worker_pids(self):
        return [int(p) for p in re.findall(r"task worker \d+ started \(pid (\d+)\)", self.text())]

    def gunicorn_pid(self):
        return int(
            re.search(rf"Listening at: http://127\.0\.0\.1:{self.port} \((\d+)\)", self.text()).group(1)
        )

    def control_socket(self):
        return re.search(r"control socket: (\S+?)\)", self.text()).group(1)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            self.out.close()


def children(pid):
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def gone(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"


def test_serve_runs_supervised_workers_that_complete_work_and_survive_sigkill(tmp_path):
    env = environment(tmp_path)
    server = FakeLineServer(
        chaos.TOKEN, slow_delay=6, groups={chaos.group_id(i): f"g{i}" for i in range(GROUPS)}
    )
    server.start()
    served = Served(tmp_path, env)
    other = None
    try:
        served.wait_until(served.healthy, 90, "serving")
        [first_worker] = served.wait_until(served.worker_pids, 10, "a worker started")
        assert first_worker in children(served.proc.pid)

        # a campaign sent through the action is delivered by the worker that serve started
        subprocess.run(
            [sys.executable, "-m", "jingmin.messaging.chaos", "setup", "--groups", str(GROUPS)]
            + ["--campaigns", "1", "--api-host", server.url],
            env=env,
            check=True,
            capture_output=True,
            timeout=60,
        )
        served.wait_until(
            lambda: shell(env, STATE)["deliveries"] == {"sent": GROUPS}, 40, "first campaign delivered"
        )

        # the second campaign's first request hangs; the worker is killed while it is out
        server.script(["slow"])
        before = server.requests_total
        shell(env, SEND)
        served.wait_until(lambda: server.requests_total > before, 30, "second campaign sending")
        os.kill(first_worker, signal.SIGKILL)
        second_worker = served.wait_until(
            lambda: [p for p in served.worker_pids() if p != first_worker], 15, "the worker restarted"
        )[0]
        assert "exited with status -9" in served.text()
        served.wait_until(
            lambda: shell(env, STATE)["deliveries"] == {"sent": 2 * GROUPS}, 60, "second campaign delivered"
        )
        state = served.wait_until(
            lambda: (s := shell(env, STATE))["reaped"] >= 1 and s["running"] == 0 and s,
            20,
            "killed task reaped",
        )
        assert state["campaigns"] == {"done": 2}
        assert all(server.per_recipient[chaos.group_id(i)] == 2 for i in range(GROUPS))  # exactly once each

        # a second instance on the same host: no worker, its own control socket
        other = Served(tmp_path, env, "--no-worker", "--no-migrate", name="other")
        other.wait_until(other.healthy, 60, "second instance serving")
        assert "task workers: none" in other.text()
        assert other.worker_pids() == []
        assert children(other.proc.pid) == [other.gunicorn_pid()]
        assert other.control_socket() != served.control_socket()
        assert Path(served.control_socket()).is_socket() and Path(other.control_socket()).is_socket()
        assert other.stop() == 0
        assert served.healthy()  # the first one was not disturbed

        # SIGTERM: everything stops, no orphan left
        pids = [served.gunicorn_pid(), second_worker]
        assert served.stop() == 0
        assert all(gone(p) for p in pids), served.text()[-2000:]
    finally:
        for s in (served, other):
            if s is not None and s.proc.poll() is None:
                s.stop()
        server.stop()
