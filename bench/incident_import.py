"""Incident import speed: validate and store N incidents inside Tainan on PostgreSQL and SQLite.

Run: .venv/bin/python bench/incident_import.py [N]   (default 200,000)
PostgreSQL: BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/jm_analytics_bench, created when
missing); SQLite: a temporary file. Each database runs in its own process (settings are read at start).
Target: >= 50,000 rows/s validated and stored on PostgreSQL.
"""

import csv
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/jm_analytics_bench")


def make_csv(n, seed=5):
    import numpy as np

    from jingmin.geo.assign import village_index
    from jingmin.geo.proj import TAINAN_BBOX

    rng = np.random.default_rng(seed)
    index = village_index()
    lon_parts, lat_parts, got = [], [], 0
    while got < n:
        lon = rng.uniform(TAINAN_BBOX[0], TAINAN_BBOX[2], n)
        lat = rng.uniform(TAINAN_BBOX[1], TAINAN_BBOX[3], n)
        ok = index.assign(lon, lat) >= 0
        lon_parts.append(lon[ok])
        lat_parts.append(lat[ok])
        got += int(ok.sum())
    lon = np.concatenate(lon_parts)[:n]
    lat = np.concatenate(lat_parts)[:n]
    t0 = 1_700_000_000
    secs = rng.integers(0, 2 * 365 * 86400, n) + t0
    cats = np.asarray(["burglary", "theft", "vehicle_theft", "fraud", "call_110", "assault"])[
        rng.integers(0, 6, n)
    ]
    import datetime as dt

    tz = dt.timezone(dt.timedelta(hours=8))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["id", "occurred_at", "lat", "lon", "category", "address", "source"])
    for i in range(n):
        when = dt.datetime.fromtimestamp(int(secs[i]), tz).isoformat()
        w.writerow([f"B-{i:07d}", when, f"{lat[i]:.6f}", f"{lon[i]:.6f}", cats[i], "", "bench"])
    return out.getvalue()


def child(n):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jingmin.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from jingmin.analytics.importer import import_incidents
    from jingmin.analytics.models import Incident
    from jingmin.org.demo import demo_unit_rows
    from jingmin.org.importer import import_units, load_geography
    from jingmin.org.models import Unit

    call_command("migrate", verbosity=0)
    if not Unit.objects.filter(kind="beat").exists():
        load_geography()
        import_units(demo_unit_rows(), "demo-units.csv", demo=True)
    Incident.objects.filter(source="bench").delete()
    text = make_csv(n)
    label = connection.vendor
    t = time.perf_counter()
    r = import_incidents(text, filename="bench.csv")
    first = time.perf_counter() - t
    assert r.created == n and r.bad_rows == 0, r.as_dict()
    t = time.perf_counter()
    r2 = import_incidents(text, filename="bench.csv")
    second = time.perf_counter() - t
    assert r2.created == 0 and r2.unchanged == n, r2.as_dict()
    changed = text.replace("vehicle_theft", "theft")
    t = time.perf_counter()
    r3 = import_incidents(changed, filename="bench.csv")
    third = time.perf_counter() - t
    assert Incident.objects.filter(source="bench").count() == n
    print(f"{label:10} {n:,} rows: first import (insert) {first:.2f} s = {n / first:,.0f} rows/s")
    print(f"{label:10}   phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in r.phases.items()) + " (+ commit)")
    print(f"{label:10} re-import, unchanged        {second:.2f} s = {n / second:,.0f} rows/s")
    print(f"{label:10} re-import, {r3.updated:,} updated   {third:.2f} s = {n / third:,.0f} rows/s")
    Incident.objects.filter(source="bench").delete()


def ensure_pg_db(url):
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1] != "--child" else 200_000
    if "--child" in sys.argv:
        child(int(sys.argv[sys.argv.index("--child") + 1]))
        return 0
    print(f"incident import: {n:,} rows inside Tainan (validate, assign village/beat, project, upsert)")
    ensure_pg_db(PG_URL)
    env = {**os.environ, "DATABASE_URL": PG_URL, "JINGMIN_DEMO": "0"}
    subprocess.run([sys.executable, __file__, "--child", str(n)], env=env, cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["JINGMIN_SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
        subprocess.run([sys.executable, __file__, "--child", str(n)], env=env, cwd=ROOT, check=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
