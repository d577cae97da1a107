"""Point → village assignment speed: STRtree over Tainan's 649 villages (target ≥ 50,000 points/s).

Run: .venv/bin/python bench/geo_assign.py
"""

import json
import time
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from jingmin.geo.assign import VillageIndex

DATA = Path(__file__).resolve().parent.parent / "jingmin/org/data/tainan-villages.geojson"


def main():
    features = json.loads(DATA.read_text(encoding="utf-8"))["features"]
    index = VillageIndex(
        [f["properties"]["village_code"] for f in features], [shape(f["geometry"]) for f in features]
    )
    rng = np.random.default_rng(0)
    for n in (50_000, 500_000):
        lon = rng.uniform(120.0, 120.7, n)
        lat = rng.uniform(22.88, 23.42, n)
        index.assign(lon[:1000], lat[:1000])  # warm-up
        t = time.perf_counter()
        out = index.assign(lon, lat)
        dt = time.perf_counter() - t
        print(
            f"assign {n:>7,} points: {dt:.3f} s = {n / dt:,.0f} points/s ({(out >= 0).mean():.1%} inside Tainan)"
        )
    # naive peer: prepared polygons, one contains() per polygon per point batch
    n = 20_000
    lon = rng.uniform(120.0, 120.7, n)
    lat = rng.uniform(22.88, 23.42, n)
    pts = shapely.points(lon, lat)
    t = time.perf_counter()
    for g in index.geometries:
        shapely.contains(g, pts)
    dt = time.perf_counter() - t
    print(f"peer (contains over all 649 polygons) {n:,} points: {n / dt:,.0f} points/s")


if __name__ == "__main__":
    main()
