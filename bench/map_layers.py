"""Map-layer speed: 100,000 places and 50,000 persons in PostgreSQL and in SQLite, the e-map layer endpoints
(/api/v1/places.geojson, /api/v1/persons.geojson) for random viewports at city, district and village zoom,
beside a trivial Django view on the same gunicorn server; and the due-visit list of a beat with 500
households.

Targets (PostgreSQL): layer p95 ≤ 100 ms and ≥ 50 % of the trivial view's requests/s; due list ≤ 50 ms.

Viewport models (the layers cache whole answers per tile-snapped area, so repetition matters and all three
are reported): "new viewports" — every request a new random viewport (only chance tile collisions hit the
answer cache); "panning" — four users each dragging the map by up to a third of a viewport per request;
"repeated" — the same 60 viewports over and over (the old model; all warm).

Run: .venv/bin/python bench/map_layers.py [--sqlite-only | --postgresql-only] [--places 100000] [--persons 50000]
PostgreSQL: BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/jm_bench_layers; the database is
dropped and re-created).
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
GUNICORN = str(Path(PY).parent / "gunicorn")
TAINAN = (120.05, 22.90, 120.65, 23.40)
ZOOMS = {"city": (11, 0.60), "district": (13, 0.12), "village": (16, 0.015)}  # zoom, viewport width (deg)


# --- child: load the data / time the due list (runs with Django set up for the chosen database) ----------


def child_setup(places, persons):
    import django

    django.setup()
    import numpy as np
    from django.core.management import call_command
    from django.db import connection, transaction

    from jingmin.geo.assign import village_index
    from jingmin.geo.locate import unit_for_village
    from jingmin.org import crypto, roles
    from jingmin.org.demo import demo_unit_rows
    from jingmin.org.importer import import_units, load_geography
    from jingmin.org.models import Unit, Village
    from jingmin.people.models import Category as PersonCategory
    from jingmin.people.models import Person
    from jingmin.places.models import Category, Place
    from jingmin.test import make_user

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_geography()
    import_units(demo_unit_rows(), "demo-units.csv", demo=True)
    from jingmin.org.actions import ensure_role_groups

    ensure_role_groups()
    bureau = Unit.objects.get(code="TNPD")
    analyst = make_user("bench-analyst", roles.BUREAU_ANALYST, bureau)
    beat = Unit.objects.get(code="TNPD-P05-S01-B01")
    make_user("bench-beat", roles.BEAT_OFFICER, beat)
    index = village_index()
    villages = {v.code: v for v in Village.objects.select_related("beat", "district")}
    units = {code: unit_for_village(v) for code, v in villages.items()}
    rng = np.random.default_rng(1)

    def points(n):
        out_lon, out_lat, out_code = [], [], []
        while len(out_lon) < n:
            lon = rng.uniform(TAINAN[0], TAINAN[2], n)
            lat = rng.uniform(TAINAN[1], TAINAN[3], n)
            codes = index.codes_for(lon, lat)
            for x, y, c in zip(lon, lat, codes, strict=True):
                if c is not None:
                    out_lon.append(round(float(x), 6))
                    out_lat.append(round(float(y), 6))
                    out_code.append(c)
        return out_lon[:n], out_lat[:n], out_code[:n]

    cats = list(Category.objects.all())
    lon, lat, codes = points(places)
    with transaction.atomic():
        Place.objects.bulk_create(
            (
                Place(unit=units[c], village=villages[c], category=cats[i % len(cats)], name=f"bench place {i}",
                      risk=1 + i % 3, lat=y, lon=x, is_demo=True)
                for i, (x, y, c) in enumerate(zip(lon, lat, codes, strict=True))
            ),
            batch_size=5000,
        )  # fmt: skip
    pcats = list(PersonCategory.objects.exclude(kind="general"))
    lon, lat, codes = points(persons)
    token = crypto.encrypt("A123456789")  # the same ciphertext is fine for a speed test; the index is unique
    with transaction.atomic():
        Person.objects.bulk_create(
            (
                Person(unit=units[c], registered_unit=units[c], kind=pcats[i % len(pcats)].kind, category=pcats[i % len(pcats)],
                       name=f"bench person {i}", national_id_enc=token, national_id_index=f"bench{i:059d}",
                       village=villages[c], lat=y, lon=x, is_demo=True)
                for i, (x, y, c) in enumerate(zip(lon, lat, codes, strict=True))
            ),
            batch_size=5000,
        )  # fmt: skip
    # a beat with 500 households' worth of persons of concern, each with a due plan this month
    _beat_of_500(beat)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    from jingmin.org.models import ApiToken

    _token, raw = ApiToken.issue(analyst)
    print(json.dumps({"token": raw, "seconds": round(time.perf_counter() - t0, 1)}))


def _beat_of_500(beat):
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from jingmin.people.models import Category, Household, Person
    from jingmin.test import point_in
    from jingmin.visits import schedule

    village = beat.all_villages().first()
    lat, lon = point_in(beat)
    contact = Category.objects.get(code="village-chief")
    concern = Category.objects.get(code="theft")
    today = timezone.localdate()
    with transaction.atomic():
        households = Household.objects.bulk_create(
            Household(
                unit=beat, village=village, address=f"開元路{i}號", lat=lat + i * 1e-5, lon=lon, is_demo=True
            )
            for i in range(500)
        )
        Person.objects.bulk_create(
            Person(unit=beat, registered_unit=beat, kind=c.kind, category=c, household=h, name=f"bench beat person {i}",
                   national_id_index=f"beat{i:060d}", village=village, lat=h.lat, lon=h.lon, is_demo=True,
                   sentence_end=today - dt.timedelta(days=100), window_start=today - dt.timedelta(days=100),
                   window_end=today + dt.timedelta(days=900))
            for i, h in enumerate(households)
            for c in ([concern] if i % 2 else [contact])
        )  # fmt: skip
    schedule.generate(today)


def child_due():
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import reset_queries

    from jingmin.visits.schedule import due_list

    user = get_user_model().objects.get(username="bench-beat")
    times = []
    n = 0
    for _ in range(30):
        reset_queries()
        t = time.perf_counter()
        n = len(due_list(user))
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(json.dumps({"items": n, "p50": statistics.median(times), "p95": times[int(len(times) * 0.95) - 1]}))


# --- parent: run gunicorn, fire requests -----------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(db):
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "bench"), str(ROOT)])
    env["JINGMIN_DEMO"] = "1"
    env.pop("DATABASE_URL", None)
    if db.startswith("postgresql"):
        env["DATABASE_URL"] = db
    else:
        env["JINGMIN_SQLITE_PATH"] = db
    return env


def viewports(kind, n, rng):
    """``n`` independent random viewports of one zoom level inside Tainan (a new one every request)."""
    zoom, width = ZOOMS[kind]
    out = []
    for _ in range(n):
        w = width
        h = width * 0.75
        x0 = rng.uniform(TAINAN[0], max(TAINAN[0], TAINAN[2] - w))
        y0 = rng.uniform(TAINAN[1], max(TAINAN[1], TAINAN[3] - h))
        out.append(f"bbox={x0:.5f},{y0:.5f},{x0 + w:.5f},{y0 + h:.5f}&zoom={zoom}")
    return out


def panning(kind, n, rng):
    """One user panning over the city map at one zoom level: starts at a random viewport, then each
    request drags the map by up to a third of the viewport in each direction (staying inside Tainan),
    as Leaflet asks again after every drag ("moveend")."""
    zoom, width = ZOOMS[kind]
    w, h = width, width * 0.75
    x = rng.uniform(TAINAN[0], max(TAINAN[0], TAINAN[2] - w))
    y = rng.uniform(TAINAN[1], max(TAINAN[1], TAINAN[3] - h))
    out = []
    for _ in range(n):
        out.append(f"bbox={x:.5f},{y:.5f},{x + w:.5f},{y + h:.5f}&zoom={zoom}")
        x = min(max(TAINAN[0], x + rng.uniform(-w, w) / 3), max(TAINAN[0], TAINAN[2] - w))
        y = min(max(TAINAN[1], y + rng.uniform(-h, h) / 3), max(TAINAN[1], TAINAN[3] - h))
    return out


def fetch(url, token):
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    with urllib.request.urlopen(req, timeout=30) as r:
        body = r.read()
    return body


def latency(urls, token):
    times = []
    for u in urls:
        t = time.perf_counter()
        fetch(u, token)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def throughput(urls, token, seconds=4.0, threads=4, fresh=False):
    """Requests/s of ``threads`` clients. ``urls``: one list cycled by all clients, a list per client
    (``threads`` lists, e.g. panning users), or with ``fresh`` one list consumed once, never repeating."""
    done = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    per_client = isinstance(urls[0], list)

    def work(k):
        i = k
        while time.perf_counter() < stop:
            if fresh:
                with lock:
                    u = urls[done[0] % len(urls)]
                    done[0] += 1
                fetch(u, token)
                continue
            mine = urls[k] if per_client else urls
            fetch(mine[i % len(mine)], token)
            i += 1 if per_client else threads
            with lock:
                done[0] += 1

    pool = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    t = time.perf_counter()
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    return done[0] / (time.perf_counter() - t)


def run_backend(label, db, args):
    import random

    env = env_for(db)
    print(f"== {label}: loading {args.places:,} places and {args.persons:,} persons …", flush=True)
    out = subprocess.run(
        [PY, __file__, "--child-setup", "--places", str(args.places), "--persons", str(args.persons)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    setup = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"   loaded in {setup['seconds']} s", flush=True)
    due = json.loads(
        subprocess.run([PY, __file__, "--child-due"], env=env, capture_output=True, text=True, check=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    port = free_port()
    server = subprocess.Popen(
        [GUNICORN, "jingmin.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "1",
         "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                fetch(base + "/bench/trivial", None)
                break
            except OSError:
                time.sleep(0.2)
        rng = random.Random(7)
        token = setup["token"]
        trivial_urls = [base + "/bench/trivial"] * 50
        latency(trivial_urls[:20], None)
        t50, t95 = latency(trivial_urls, None)
        trps = throughput(trivial_urls, None)
        rows = [(label, "trivial view", "-", (t50, t95), (t50, t95), (trps, trps, trps), "-")]
        for layer in ("places", "persons"):
            for kind in ZOOMS:
                url = f"{base}/api/v1/{layer}.geojson?"
                fresh = [url + q for q in viewports(kind, 20_000, rng)]
                # first sight of each viewport: the answer cache only helps when two random viewports
                # happen to snap to the same tiles (the point set is warm after the first request)
                # warm-up with 4 concurrent clients, so that both gunicorn workers have built the
                # jurisdiction's point set (a per-process, per-write cost, reported separately)
                throughput(fresh[:40], token, seconds=1.5)
                cold = latency(fresh[40:100], token)
                rps_fresh = throughput(fresh[100:], token, fresh=True)
                pans = [[url + q for q in panning(kind, 2_000, rng)] for _ in range(4)]
                rps_pan = throughput(pans, token)
                repeat = fresh[40:100]  # the 60 viewports seen above, asked again and again (warm)
                warm = latency(repeat, token)
                rps_warm = throughput(repeat, token)
                sample = json.loads(fetch(fresh[40], token))
                mode = "grid" if sample.get("aggregated") else "points"
                rows.append(
                    (label, f"{layer}.geojson", kind, cold, warm, (rps_fresh, rps_pan, rps_warm),
                     f"{mode}, {len(sample['features'])} features")
                )  # fmt: skip
        # the trivial view again at the end (other processes may have started or stopped meanwhile): the
        # percentages are against the mean of both measurements
        trps_end = throughput(trivial_urls, None)
        print(f"   trivial view: {trps:,.0f} req/s at the start, {trps_end:,.0f} at the end", flush=True)
        trps = (trps + trps_end) / 2
        rows[0] = (label, "trivial view", "-", (t50, t95), (t50, t95), (trps, trps, trps), "-")
        return rows, due, trps
    finally:
        server.terminate()
        server.wait(10)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--child-setup", action="store_true")
    parser.add_argument("--child-due", action="store_true")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgresql-only", action="store_true")
    parser.add_argument("--places", type=int, default=100_000)
    parser.add_argument("--persons", type=int, default=50_000)
    args = parser.parse_args()
    if args.child_setup:
        return child_setup(args.places, args.persons)
    if args.child_due:
        return child_due()
    backends = []
    tmp = tempfile.mkdtemp(prefix="jm-bench-")
    if not args.postgresql_only:
        backends.append(("SQLite", os.path.join(tmp, "bench.sqlite3")))
    if not args.sqlite_only:
        pg = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/jm_bench_layers")
        name = pg.rsplit("/", 1)[1]
        admin = pg.rsplit("/", 1)[0] + "/postgres"
        import psycopg

        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        backends.append(("PostgreSQL", pg))
    results = []
    for label, db in backends:
        print(f"   load average before {label}: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
        rows, due, trps = run_backend(label, db, args)
        results.append((label, rows, due, trps))
    print()
    print(
        f"load average at the end: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}"
    )
    print()
    print("| database | endpoint | viewport | new viewports p50 / p95 ms | repeated p50 / p95 ms | req/s new viewports "
          "| req/s panning | req/s repeated | answer |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for _label, rows, _due, trps in results:
        for label, ep, kind, cold, warm, rps, note in rows:
            cells = " | ".join(f"{r:,.0f} ({100 * r / trps:.0f} %)" for r in rps)
            print(
                f"| {label} | {ep} | {kind} | {cold[0]:.1f} / {cold[1]:.1f} | {warm[0]:.1f} / {warm[1]:.1f} "
                f"| {cells} | {note} |"
            )
    print()
    for label, _rows, due, _trps in results:
        print(
            f"due list, beat with 500 households ({due['items']} items), {label}: p50 {due['p50']:.1f} ms, p95 {due['p95']:.1f} ms"
        )


if __name__ == "__main__":
    main()
