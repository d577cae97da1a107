"""Build jingmin/static/jingmin/tainan-outline.json, the base every map draws when tiles cannot load.

From the bundled village boundaries (jingmin/org/data/tainan-villages.geojson, public data): district
outlines (the union of their villages) and village outlines, simplified for display, each village with a
label point for the location pickers' place search. Run: python tools/build_outline.py
"""

import json
import sys
from pathlib import Path

from shapely.geometry import mapping, shape
from shapely.ops import unary_union

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "jingmin/org/data/tainan-villages.geojson"
TARGET = ROOT / "jingmin/static/jingmin/tainan-outline.json"
TOLERANCE = 0.0008  # degrees (≈ 80 m): plenty for an outline to aim at
DIGITS = 4


def rounded(geometry):
    def walk(coords):
        if isinstance(coords, (int, float)):
            return round(coords, DIGITS)
        return [walk(c) for c in coords]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def build(source=SOURCE):
    data = json.loads(Path(source).read_text(encoding="utf-8"))
    villages, by_district = [], {}
    for f in data["features"]:
        p = f["properties"]
        geom = shape(f["geometry"]).buffer(0)
        point = geom.representative_point()
        villages.append(
            {
                "type": "Feature",
                "properties": {
                    "code": p["village_code"],
                    "name": p["village"],
                    "name_en": p["village_en"],
                    "district": p["district"],
                    "district_en": p["district_en"],
                    "at": [round(point.y, 5), round(point.x, 5)],
                },
                "geometry": rounded(mapping(geom.simplify(TOLERANCE, preserve_topology=True))),
            }
        )
        by_district.setdefault(p["district_code"], (p, []))[1].append(geom)
    districts = [
        {
            "type": "Feature",
            "properties": {"code": code, "name": p["district"], "name_en": p["district_en"]},
            "geometry": rounded(
                mapping(unary_union(geoms).buffer(0).simplify(TOLERANCE, preserve_topology=True))
            ),
        }
        for code, (p, geoms) in sorted(by_district.items())
    ]
    return {
        "attribution": data.get("attribution", ""),
        "districts": {"type": "FeatureCollection", "features": districts},
        "villages": {"type": "FeatureCollection", "features": villages},
    }


if __name__ == "__main__":
    out = build(*sys.argv[1:])
    TARGET.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(
        f"{TARGET.relative_to(ROOT)}: {len(out['districts']['features'])} districts, "
        f"{len(out['villages']['features'])} villages, {TARGET.stat().st_size // 1024} KiB"
    )
