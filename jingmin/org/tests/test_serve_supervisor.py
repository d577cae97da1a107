"""The supervisor of ``jingmin serve`` restarts a task worker that keeps dying only after a back-off
that doubles (1, 2, 4 … 30 s), so a crash loop does not spin; a worker that ran long restarts at once."""

import io
import sys
import time

from jingmin.org.management.commands.serve import BACKOFF_MAX, Slot, Supervisor, control_socket_path

CRASH = [sys.executable, "-c", "raise SystemExit(3)"]


def supervisor():
    return Supervisor(web_argv=None, worker_argv=CRASH, workers=1, stop_timeout=1, out=io.StringIO())


def die(sup, slot):
    sup.start_worker(slot)
    slot.proc.wait(timeout=30)
    now = time.monotonic()
    sup.check_worker(slot, now)
    return slot.restart_at - now


def test_a_worker_dying_young_waits_longer_each_time():
    sup = supervisor()
    slot = sup.slots[0]
    waits = [die(sup, slot) for _ in range(7)]
    assert [round(w) for w in waits] == [1, 2, 4, 8, 16, 30, 30]
    assert max(waits) <= BACKOFF_MAX + 1e-6  # (restart_at - now: float rounding of a monotonic clock)
    log = sup.out.getvalue()
    assert log.count("exited with status 3") == 7 and "starting it again in 30 s" in log


def test_a_slot_without_a_process_starts_only_when_its_time_has_come():
    sup = supervisor()
    slot = sup.slots[0]
    die(sup, slot)
    sup.check_worker(slot, slot.restart_at - 0.5)
    assert slot.proc is None
    sup.check_worker(slot, slot.restart_at)
    assert slot.proc is not None
    slot.proc.wait(timeout=30)


def test_a_worker_that_ran_long_restarts_after_the_first_back_off():
    sup = supervisor()
    slot = Slot(1)
    slot.backoff = 16
    sup.start_worker(slot)
    slot.proc.wait(timeout=30)
    slot.started -= 3600  # it had been running for an hour
    now = time.monotonic()
    sup.check_worker(slot, now)
    assert round(slot.restart_at - now) == 1


def test_each_bind_has_its_own_control_socket(settings):
    import pathlib
    import shutil
    import tempfile

    short = pathlib.Path(tempfile.mkdtemp(prefix="jm", dir="/tmp"))  # pytest's tmp_path may be too long
    settings.VAR_DIR = short
    try:
        a, b = control_socket_path("127.0.0.1:8000"), control_socket_path("127.0.0.1:8001")
    finally:
        shutil.rmtree(short, ignore_errors=True)
    assert a != b and a.startswith(str(short)) and a.endswith(".ctl")
    settings.VAR_DIR = short / ("x" * 120)
    long_a, long_b = control_socket_path("127.0.0.1:8000"), control_socket_path("127.0.0.1:8001")
    assert long_a != long_b and not long_a.startswith(str(short))  # too long there: a short one elsewhere
    assert len(long_a) <= 107 and long_a.endswith(".ctl")
