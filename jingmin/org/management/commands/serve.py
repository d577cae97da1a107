"""``jingmin serve``: migrate, collect static files, then run gunicorn and the task workers.

The command stays in the foreground as a small supervisor of its child processes:

* gunicorn (the web server; whitenoise serves static files), with a control socket of its own
  (``var/run/gunicorn-<host>-<port>.ctl``) so two instances on one host do not share
  ``~/.gunicorn/gunicorn.ctl`` — or none with ``--no-control-socket``;
* ``JINGMIN_SERVE_WORKERS`` task workers (default 1; ``--no-worker`` for none, when workers run as
  services of their own), each the same ``jingmin worker`` command run by hand. A worker that dies
  is logged and started again, after a back-off that doubles while it keeps dying young (1 s up to
  30 s), so a crash loop does not spin.

SIGINT or SIGTERM stops everything: SIGTERM to every child (gunicorn finishes its requests, a worker
its task), SIGKILL to what is left after ``JINGMIN_SERVE_STOP_TIMEOUT`` seconds (10; a killed worker's
deliveries are taken over when their lease runs out). Children are in their own process group (a
Ctrl-C in the terminal reaches only the supervisor, which stops them in order) and, on Linux, get
SIGTERM if the supervisor itself is killed. When gunicorn exits on its own, the workers are stopped
and ``jingmin serve`` exits with gunicorn's status.
"""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 30.0
HEALTHY_AFTER = 30.0  # a worker that ran this long before dying starts again after BACKOFF_FIRST
MAX_SOCKET_PATH = 100  # AF_UNIX paths are limited to 107 bytes on Linux


def _die_with_parent():  # runs in the child between fork and exec
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def spawn(argv, **kwargs):
    return subprocess.Popen(
        argv,
        process_group=0,
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        **kwargs,
    )


def control_socket_path(bind):
    """A control socket path of this instance's own: under ``var/run/``, or — when that path is too long
    for a unix socket — in the system's temporary directory, named by a hash of the data directory and
    the bind address (still one per instance); None only when even that is too long."""
    import hashlib
    import tempfile

    name = re.sub(r"[^A-Za-z0-9.]+", "-", bind).strip("-") or "default"
    path = Path(settings.VAR_DIR) / "run" / f"gunicorn-{name}.ctl"
    if len(str(path)) <= MAX_SOCKET_PATH:
        return str(path)
    digest = hashlib.sha256(f"{Path(settings.VAR_DIR).resolve()}|{bind}".encode()).hexdigest()[:16]
    short = Path(tempfile.gettempdir()) / f"jingmin-{digest}.ctl"
    return str(short) if len(str(short)) <= MAX_SOCKET_PATH else None


class Slot:
    """One supervised task worker: its process, when it started, when it may start again."""

    def __init__(self, number):
        self.number = number
        self.proc = None
        self.started = 0.0
        self.backoff = BACKOFF_FIRST
        self.restart_at = 0.0


class Supervisor:
    def __init__(self, web_argv, worker_argv, workers, stop_timeout, out):
        self.web_argv = web_argv
        self.worker_argv = worker_argv
        self.slots = [Slot(n + 1) for n in range(workers)]
        self.stop_timeout = stop_timeout
        self.out = out
        self.web = None
        self.stop_signal = None

    def say(self, message):
        self.out.write(f"[jingmin serve] {message}\n")
        self.out.flush()

    def _on_signal(self, signum, frame):
        if self.stop_signal is None:
            self.stop_signal = signum

    def start_worker(self, slot):
        slot.proc = spawn(self.worker_argv)
        slot.started = time.monotonic()
        self.say(f"task worker {slot.number} started (pid {slot.proc.pid})")

    def check_worker(self, slot, now):
        if slot.proc is None:
            if now >= slot.restart_at:
                self.start_worker(slot)
            return
        code = slot.proc.poll()
        if code is None:
            return
        lived = now - slot.started
        if lived >= HEALTHY_AFTER:
            slot.backoff = BACKOFF_FIRST
        wait = slot.backoff
        slot.backoff = min(BACKOFF_MAX, slot.backoff * 2)
        self.say(
            f"task worker {slot.number} (pid {slot.proc.pid}) exited with status {code} after "
            f"{lived:.0f} s; starting it again in {wait:.0f} s"
        )
        slot.proc = None
        slot.restart_at = now + wait

    def run(self):
        previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.web = spawn(self.web_argv)
            for slot in self.slots:
                self.start_worker(slot)
            while self.stop_signal is None:
                code = self.web.poll()
                if code is not None:
                    self.say(f"gunicorn exited with status {code}; stopping the task workers")
                    self.stop()
                    return code
                now = time.monotonic()
                for slot in self.slots:
                    self.check_worker(slot, now)
                time.sleep(0.2)
            self.say(f"{signal.Signals(self.stop_signal).name} received: stopping")
            self.stop()
            return 0
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def stop(self):
        procs = [p for p in [self.web, *(s.proc for s in self.slots)] if p is not None and p.poll() is None]
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        for proc in procs:
            try:
                proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say(f"pid {proc.pid} did not stop within {self.stop_timeout:g} s: killing it")
                proc.kill()
                proc.wait()


class Command(BaseCommand):
    help = (
        "Migrate, collect static files and serve Jingmin with gunicorn (whitenoise serves static files) "
        "and supervised task workers."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("JINGMIN_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("JINGMIN_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("JINGMIN_THREADS", "4")))
        parser.add_argument("--demo", action="store_true", help="load the demo data first (idempotent)")
        parser.add_argument("--no-migrate", action="store_true")
        parser.add_argument(
            "--task-workers",
            type=int,
            default=int(os.environ.get("JINGMIN_SERVE_WORKERS", "1")),
            help="task worker processes to run and supervise (default: JINGMIN_SERVE_WORKERS or 1)",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="run no task worker (they run separately: `jingmin worker` services)",
        )
        parser.add_argument(
            "--control-socket",
            default=os.environ.get("JINGMIN_CONTROL_SOCKET", ""),
            help="gunicorn's control socket (default: var/run/gunicorn-<bind>.ctl, one per instance)",
        )
        parser.add_argument("--no-control-socket", action="store_true")
        parser.add_argument(
            "--stop-timeout",
            type=float,
            default=float(os.environ.get("JINGMIN_SERVE_STOP_TIMEOUT", "10")),
            help="seconds the children get to stop after SIGTERM before they are killed",
        )

    def handle(self, *args, **options):
        workers = 0 if options["no_worker"] else options["task_workers"]
        if workers < 0:
            raise CommandError("--task-workers must be 0 or more")
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        if options["demo"]:
            call_command("demo")
        call_command("collectstatic", interactive=False, verbosity=0)
        gunicorn = [
            sys.executable,
            "-m",
            "gunicorn",
            "jingmin.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            os.environ.get("JINGMIN_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        socket = (
            None
            if options["no_control_socket"]
            else options["control_socket"] or control_socket_path(options["bind"])
        )
        if socket:
            Path(socket).parent.mkdir(parents=True, exist_ok=True)
            gunicorn += ["--control-socket", socket]
        else:
            gunicorn.append("--no-control-socket")
        worker = [sys.executable, "-m", "jingmin.cli", "worker", "--no-reload"]
        self.stdout.write(
            f"Jingmin serving on http://{options['bind']} (database: {settings.DATABASES['default']['ENGINE']}; "
            f"task workers: {workers or 'none, run jingmin worker separately'}; "
            f"control socket: {socket or 'none'})"
        )
        self.stdout.flush()
        supervisor = Supervisor(gunicorn, worker, workers, options["stop_timeout"], sys.stdout)
        code = supervisor.run()
        if code:
            sys.exit(code)
