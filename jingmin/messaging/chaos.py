"""The delivery chaos scenario, shared by ``bench/line_chaos.py`` and the test suite.

Real ``jingmin worker`` processes drain campaigns to a fake LINE server that fails a share of the
requests at random (429 with Retry-After, 500, timeouts after delivery, dropped connections, errors
after accepting), while worker processes are killed with SIGKILL and replaced. At the end every
delivery must be ``sent`` and the server must have accepted every retry key exactly once and
delivered every campaign to every group exactly once.

The driver (:func:`run`) does not import Django: it works on a fresh database of its own (a SQLite
file in a temporary directory, or ``database_url``) through subprocesses::

    python -m jingmin.messaging.chaos setup --groups N --campaigns M --api-host URL [--schedule-in S]
    python -m jingmin.messaging.chaos report
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOKEN = "chaos-channel-token"


def group_id(n):
    from jingmin.messaging.tests.line_server import fake_group_id

    return fake_group_id(f"chaos-{n}")


# ---------------------------------------------------------------------------- inside Django


def _setup(groups, campaigns, api_host, schedule_in):
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from jingmin.messaging import actions
    from jingmin.messaging.models import Channel, Contact
    from jingmin.org.models import Officer, Unit

    bureau = Unit.objects.create(code="CH", name="chaos bureau", kind="bureau")
    precinct = Unit.objects.create(code="CH-P1", name="chaos precinct", kind="precinct", parent=bureau)
    station = Unit.objects.create(code="CH-P1-S1", name="chaos station", kind="station", parent=precinct)
    user = get_user_model().objects.create(username="chaos-chief")
    user.groups.add(Group.objects.get_or_create(name="station_chief")[0])
    Officer.objects.create(user=user, unit=station)
    channel = Channel.objects.create(
        unit=station,
        slug="chaos",
        name="chaos",
        transport=Channel.Transport.LINE,
        line_channel_secret="s",
        line_access_token=TOKEN,
        api_host=api_host,
    )
    Contact.objects.bulk_create(
        [
            Contact(
                channel=channel,
                unit=station,
                kind="group",
                address=group_id(i),
                address_hash=Contact.hash_address(group_id(i)),
                name=f"group {i}",
            )
            for i in range(groups)
        ]
    )
    when = timezone.now() + timedelta(seconds=schedule_in) if schedule_in else None
    for n in range(campaigns):
        actions.send(acting_user=user, title=f"chaos {n}", text=f"chaos message {n}", when=when)
    print(json.dumps({"send_at": when.timestamp() if when else None}))


def _report():
    import django

    django.setup()
    from django.db.models import Count, Sum

    from jingmin.audit.models import AuditEvent
    from jingmin.messaging.models import Campaign, Delivery, Dispatch

    by_status = dict(
        Delivery.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    agg = Dispatch.objects.aggregate(n=Count("id"), attempts=Sum("attempts"))
    print(
        json.dumps(
            {
                "deliveries": by_status,
                "open": sum(
                    v for k, v in by_status.items() if k in ("queued", "sending", "retrying", "held")
                ),
                "dispatches": agg["n"],
                "attempts": agg["attempts"] or 0,
                "campaigns": dict(
                    Campaign.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
                ),
                "finished_events": AuditEvent.objects.filter(action="messaging.campaign_finished").count(),
                "first_sent": min(
                    (
                        d.timestamp()
                        for d in Dispatch.objects.exclude(sent_at=None).values_list("sent_at", flat=True)
                    ),
                    default=None,
                ),
            }
        )
    )


# ---------------------------------------------------------------------------- driver


def _env(tmp, database_url, settings_env):
    env = {k: v for k, v in os.environ.items() if not k.startswith("JINGMIN_") and k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="jingmin.settings",
        JINGMIN_VAR_DIR=str(tmp),
        JINGMIN_SECRET_KEY="chaos-secret-key",
        JINGMIN_DEMO="0",
        JINGMIN_LOG_LEVEL="WARNING",
        JINGMIN_LINE_TIMEOUT="1",
        JINGMIN_MESSAGING_LEASE_SECONDS="5",
        JINGMIN_MESSAGING_BACKOFF_BASE="0.2",
        JINGMIN_MESSAGING_BACKOFF_MAX="3",
        JINGMIN_MESSAGING_MAX_ATTEMPTS="60",
        JINGMIN_MESSAGING_CLAIM_BATCH="24",
        JINGMIN_MESSAGING_SEND_THREADS="12",
    )
    env.update(settings_env or {})
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env["JINGMIN_SQLITE_PATH"] = str(Path(tmp) / "chaos.sqlite3")
    return env


def _jingmin(*args):
    return [sys.executable, "-m", "jingmin.cli", *args]


def run(
    groups=200,
    campaigns=50,
    failure_rate=0.3,
    kills=2,
    workers=2,
    seed=1,
    database_url=None,
    schedule_in=None,
    timeout=600,
    log=print,
    settings_env=None,
):
    """Run the scenario; returns the figures (raises AssertionError when a delivery is lost or doubled)."""
    from jingmin.messaging.tests.line_server import FakeLineServer

    tmp = Path(tempfile.mkdtemp(prefix="jingmin-chaos-"))
    env = _env(tmp, database_url, {"JINGMIN_MESSAGING_PARALLEL_DRAINS": str(workers), **(settings_env or {})})
    server = FakeLineServer(
        TOKEN,
        failure_rate=failure_rate,
        seed=seed,
        slow_delay=1.5,
        retry_after=1,
        groups={group_id(i): f"group {i}" for i in range(groups)},
    ).start()
    procs = []
    logs = []

    def start_worker(n):
        out = open(tmp / f"worker-{n}.log", "w")
        logs.append(out)
        proc = subprocess.Popen(
            _jingmin("worker", "--interval", "0.2", "--no-startup-delay", "--no-schedule", "-v", "0"),
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        procs.append(proc)
        return proc

    def report():
        out = subprocess.run(
            [sys.executable, "-m", "jingmin.messaging.chaos", "report"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])

    try:
        subprocess.run(_jingmin("migrate", "-v", "0"), env=env, check=True)
        setup = subprocess.run(
            [
                sys.executable,
                "-m",
                "jingmin.messaging.chaos",
                "setup",
                "--groups",
                str(groups),
                "--campaigns",
                str(campaigns),
                "--api-host",
                server.url,
                *(["--schedule-in", str(schedule_in)] if schedule_in else []),
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        send_at = json.loads(setup.stdout.strip().splitlines()[-1])["send_at"]
        expected = groups * campaigns
        log(
            f"queued {expected} deliveries ({campaigns} campaigns × {groups} groups); "
            f"fake LINE fails {failure_rate:.0%} of requests; {workers} workers"
        )
        started = time.monotonic()
        live = [start_worker(i) for i in range(workers)]
        kill_at = [expected * (k + 1) / (kills + 1) for k in range(kills)]
        killed = 0
        while True:
            accepted = len(server.accepted_by_retry_key)
            if killed < kills and accepted >= kill_at[killed]:
                victim = live.pop(0)
                victim.send_signal(signal.SIGKILL)
                victim.wait()
                killed += 1
                log(
                    f"SIGKILL worker pid {victim.pid} at {accepted}/{expected} accepted; starting a replacement"
                )
                live.append(start_worker(len(procs)))
            if accepted >= expected:
                state = report()
                if state["open"] == 0:
                    break
            if time.monotonic() - started > timeout:
                raise AssertionError(f"not drained after {timeout} s: {report()}")
            time.sleep(0.3)
        drained = time.monotonic() - started
        state = report()
        stats = server.stats()
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        for out in logs:
            out.close()
        server.stop()
    per_group = [stats["per_recipient"].get(group_id(i), 0) for i in range(groups)]
    duplicates = sum(max(0, n - campaigns) for n in per_group) + len(stats["duplicate_retry_keys"])
    result = {
        "deliveries": expected,
        "groups": groups,
        "campaigns": campaigns,
        "workers": workers,
        "sigkills": killed,
        "drain_seconds": round(drained, 2),
        "deliveries_per_second": round(expected / drained, 1),
        "requests": stats["requests_total"],
        "retries": state["attempts"] - state["dispatches"],
        "injected_failures": stats["injected_failures"],
        "conflicts_409": stats["conflicts_409"],
        "duplicates": duplicates,
        "lost": sum(max(0, campaigns - n) for n in per_group),
        "db_deliveries": state["deliveries"],
        "finished_events": state["finished_events"],
        "campaign_statuses": state["campaigns"],
        "send_at": send_at,
        "first_sent": state["first_sent"],
    }
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m jingmin.messaging.chaos")
    sub = parser.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("setup")
    s.add_argument("--groups", type=int, required=True)
    s.add_argument("--campaigns", type=int, required=True)
    s.add_argument("--api-host", required=True)
    s.add_argument("--schedule-in", type=float, default=None)
    sub.add_parser("report")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jingmin.settings")
    if args.cmd == "setup":
        _setup(args.groups, args.campaigns, args.api_host, args.schedule_in)
    else:
        _report()


if __name__ == "__main__":
    main()
