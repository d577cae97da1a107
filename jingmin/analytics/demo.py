"""Fictitious demo incidents: a few thousand over the city, denser in the demo precinct, with clusters.

Everything here is invented; only the geography is real. ``load_demo_incidents()`` is called by
``jingmin demo`` and does nothing when demo incidents already exist (idempotent).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
from django.utils import timezone

from jingmin.geo.assign import village_index
from jingmin.geo.proj import to_twd97, to_wgs84

CITY_INCIDENTS = 2000
PRECINCT_INCIDENTS = 1200
DEMO_PRECINCT = "TNPD-P05"
DAYS = 365
# category code -> share of background incidents
MIX = {
    "theft": 0.28,
    "call_110": 0.2,
    "burglary": 0.14,
    "vehicle_theft": 0.12,
    "fraud": 0.1,
    "assault": 0.06,
    "drugs": 0.05,
    "robbery": 0.03,
    "vandalism": 0.02,
}


def _village_centres(codes=None):
    from jingmin.org.models import Village

    qs = Village.objects.all()
    if codes is not None:
        qs = qs.filter(code__in=codes)
    rows = list(qs.order_by("code").values_list("centroid_lon", "centroid_lat"))
    lon = np.asarray([r[0] for r in rows])
    lat = np.asarray([r[1] for r in rows])
    return np.column_stack(to_twd97(lon, lat))


def _inside(xy):
    lon, lat = to_wgs84(xy[:, 0], xy[:, 1])
    return village_index().assign(lon, lat) >= 0, np.asarray(lon), np.asarray(lat)


def _scatter(rng, centres, n, sigma):
    pick = centres[rng.integers(0, len(centres), n)]
    return pick + rng.normal(0, sigma, (n, 2))


def demo_rows(now=None, seed=20261129):
    """(id, occurred_at, lat, lon, category, address, source) rows of the demo incidents."""
    from jingmin.org.models import Unit, Village

    rng = np.random.default_rng(seed)
    now = now or timezone.now()
    end = now.replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=1)
    city = _village_centres()
    precinct = Unit.objects.get(code=DEMO_PRECINCT)
    p_codes = list(
        Village.objects.filter(beat__path__startswith=precinct.path).values_list("code", flat=True)
    )
    local = _village_centres(p_codes)
    cats = list(MIX)
    probs = np.asarray([MIX[c] for c in cats])
    probs = probs / probs.sum()

    parts = []  # (xy, days_ago, category)
    # city: background around village centres plus a few dense clusters
    n_bg = int(CITY_INCIDENTS * 0.6)
    parts.append(
        (_scatter(rng, city, n_bg, 400.0), rng.uniform(0, DAYS, n_bg), rng.choice(cats, n_bg, p=probs))
    )
    hubs = city[rng.choice(len(city), 12, replace=False)]
    n_cl = CITY_INCIDENTS - n_bg
    parts.append(
        (_scatter(rng, hubs, n_cl, 180.0), rng.uniform(0, DAYS, n_cl), rng.choice(cats, n_cl, p=probs))
    )
    # demo precinct: background, hot spots, and burglary near-repeat chains
    n_local = int(PRECINCT_INCIDENTS * 0.45)
    parts.append(
        (
            _scatter(rng, local, n_local, 250.0),
            rng.uniform(0, DAYS, n_local),
            rng.choice(cats, n_local, p=probs),
        )
    )
    spots = local[rng.choice(len(local), 4, replace=False)]
    n_spot = int(PRECINCT_INCIDENTS * 0.3)
    parts.append(
        (_scatter(rng, spots, n_spot, 120.0), rng.uniform(0, DAYS, n_spot), rng.choice(cats, n_spot, p=probs))
    )
    n_chain = PRECINCT_INCIDENTS - n_local - n_spot
    seeds = max(1, n_chain // 4)
    seed_xy = _scatter(rng, local, seeds, 250.0)
    seed_t = rng.uniform(10, DAYS, seeds)
    kids = n_chain - seeds
    parent = rng.integers(0, seeds, kids)
    kid_xy = seed_xy[parent] + rng.normal(0, 90.0, (kids, 2))
    kid_t = np.maximum(seed_t[parent] - rng.exponential(4.0, kids), 0.01)  # later than the seed
    parts.append((np.vstack([seed_xy, kid_xy]), np.r_[seed_t, kid_t], np.asarray(["burglary"] * n_chain)))

    xy = np.vstack([p[0] for p in parts])
    ago = np.concatenate([p[1] for p in parts])
    cat = np.concatenate([p[2] for p in parts])
    inside, lon, lat = _inside(xy)
    rows = []
    k = 0
    for i in np.flatnonzero(inside):
        k += 1
        when = (end - dt.timedelta(days=float(ago[i]))).replace(microsecond=0)
        rows.append(
            (
                f"DEMO-{k:05d}",
                when.astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat(),
                f"{lat[i]:.6f}",
                f"{lon[i]:.6f}",
                str(cat[i]),
                "",
                "demo",
            )
        )
    return rows


def demo_csv(now=None):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "occurred_at", "lat", "lon", "category", "address", "source"])
    writer.writerows(demo_rows(now))
    return out.getvalue()


AFTER = ("org",)


def load(world):
    load_demo_incidents(world.stdout)


def load_demo_incidents(stdout=None):
    """Import the demo incidents unless they exist already (then nothing changes)."""
    from jingmin.analytics.importer import import_incidents
    from jingmin.analytics.models import Incident

    if Incident.objects.filter(is_demo=True).exists():
        return None
    report = import_incidents(demo_csv(), filename="demo-incidents.csv", demo=True, valid_only=True)
    if stdout is not None:
        stdout.write(f"demo incidents: {report.created} created")
    return report
