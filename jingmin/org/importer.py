"""Loading civil geography and importing jurisdiction units (CSV or GeoJSON), validated row by row.

Nothing is written unless every row is valid; errors name the line (or feature), field and reason.
"""

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape
from shapely.ops import unary_union

from jingmin.audit import log as audit
from jingmin.org.geometry import round_coords
from jingmin.org.models import District, Unit, Village

DATA_DIR = Path(__file__).resolve().parent / "data"
VILLAGES_FILE = DATA_DIR / "tainan-villages.geojson"
PRECINCTS_FILE = DATA_DIR / "tainan-precincts.csv"
UNIT_FIELDS = ["code", "name", "name_en", "kind", "parent", "districts", "villages"]


@dataclass
class RowError:
    line: int
    field: str
    reason: str

    def __str__(self):
        return _("line %(line)s, field “%(field)s”: %(reason)s") % {
            "line": self.line,
            "field": self.field,
            "reason": self.reason,
        }


class ImportFailed(Exception):
    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def _boundary_union(geometries, tolerance=0.00005):
    geoms = [shape(g) for g in geometries if g]
    if not geoms:
        return None
    union = unary_union(geoms).buffer(0)
    if tolerance:
        union = union.simplify(tolerance, preserve_topology=True)
    return round_coords(mapping(union))


@transaction.atomic
def load_geography(path=VILLAGES_FILE, actor=None):
    """Upsert the districts and villages from a GeoJSON FeatureCollection (the bundled Tainan extract)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    by_district = {}
    for feature in data["features"]:
        p = feature["properties"]
        by_district.setdefault(p["district_code"], {"props": p, "features": []})["features"].append(feature)
    created = updated = 0
    for code, item in sorted(by_district.items()):
        p = item["props"]
        union = shape(_boundary_union([f["geometry"] for f in item["features"]], tolerance=0.0001))
        point = union.representative_point()
        district, made = District.objects.update_or_create(
            code=code,
            defaults={
                "name": p["district"],
                "name_en": p["district_en"],
                "boundary": round_coords(mapping(union)),
                "centroid_lat": round(point.y, 6),
                "centroid_lon": round(point.x, 6),
            },
        )
        for f in item["features"]:
            fp = f["properties"]
            point = shape(f["geometry"]).representative_point()
            values = {
                "name": fp["village"],
                "name_en": fp["village_en"],
                "district": district,
                "boundary": f["geometry"],
                "centroid_lat": round(point.y, 6),
                "centroid_lon": round(point.x, 6),
            }
            village = Village.objects.filter(code=fp["village_code"]).first()
            if village is None:
                Village.objects.create(code=fp["village_code"], **values)
                created += 1
            elif any(getattr(village, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(village, k, v)
                village.save()
                updated += 1
    if created or updated:
        audit.record(
            "geo.load",
            actor=actor,
            obj=("geo.geography", Path(path).name),
            extra={"created": created, "updated": updated},
        )
    return created, updated


def _split(value):
    return [v.strip() for v in (value or "").replace("·", ";").replace(",", ";").split(";") if v.strip()]


def parse_units(content, filename="units.csv"):
    """Read CSV text or GeoJSON into row dicts with their line (or feature) numbers."""
    if filename.lower().endswith((".geojson", ".json")):
        try:
            data = json.loads(content)
        except json.JSONDecodeError as exc:
            raise ImportFailed([RowError(exc.lineno, "-", _("not valid JSON: %s") % exc.msg)])
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
            raise ImportFailed([RowError(1, "type", _("expected a GeoJSON FeatureCollection"))])
        rows = []
        for number, feature in enumerate(data.get("features") or [], start=1):
            props = (feature or {}).get("properties") or {}
            row = {k: str(props.get(k) or "") for k in UNIT_FIELDS}
            row["_geometry"] = (feature or {}).get("geometry")
            rows.append((number, row))
        return rows
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    missing = [f for f in ("code", "name", "kind") if f not in (reader.fieldnames or [])]
    if missing:
        raise ImportFailed([RowError(1, f, _("required column is missing")) for f in missing])
    return [
        (number, {k: (row.get(k) or "").strip() for k in UNIT_FIELDS})
        for number, row in enumerate(reader, start=2)
    ]


def validate_units(rows):
    errors = []
    existing = {u.code: u for u in Unit.objects.all()}
    districts = {d.name: d for d in District.objects.all()} | {d.code: d for d in District.objects.all()}
    villages = set(Village.objects.values_list("code", flat=True))
    kinds = dict(Unit.Kind.choices)
    incoming = {}
    village_owner = {}
    for line, row in rows:
        code = row["code"]
        if not code:
            errors.append(RowError(line, "code", _("is required")))
            continue
        if len(code) > 40 or "/" in code:
            errors.append(RowError(line, "code", _("must be at most 40 characters without “/”")))
        if code in incoming:
            errors.append(
                RowError(line, "code", _("appears twice in the file (first on line %s)") % incoming[code][0])
            )
        incoming[code] = (line, row)
        if not row["name"]:
            errors.append(RowError(line, "name", _("is required")))
        if row["kind"] not in kinds:
            errors.append(
                RowError(
                    line, "kind", _("unknown kind “%s” (bureau, precinct, station or beat)") % row["kind"]
                )
            )
        for name in _split(row["districts"]):
            if name not in districts:
                errors.append(RowError(line, "districts", _("unknown district “%s”") % name))
        for vcode in _split(row["villages"]):
            if vcode not in villages:
                errors.append(RowError(line, "villages", _("unknown village code “%s”") % vcode))
            elif vcode in village_owner:
                errors.append(
                    RowError(
                        line,
                        "villages",
                        _("village %(code)s is already in beat %(beat)s")
                        % {"code": vcode, "beat": village_owner[vcode]},
                    )
                )
            else:
                village_owner[vcode] = code
        if row["villages"] and row["kind"] != Unit.Kind.BEAT:
            errors.append(RowError(line, "villages", _("only beats list villages")))
        if row["districts"] and row["kind"] != Unit.Kind.PRECINCT:
            errors.append(RowError(line, "districts", _("only precincts list districts")))
        geometry = row.get("_geometry")
        if geometry is not None:
            try:
                if not shape(geometry).is_valid:
                    errors.append(RowError(line, "geometry", _("the boundary is not a valid polygon")))
            except Exception:
                errors.append(RowError(line, "geometry", _("the boundary is not a valid GeoJSON geometry")))
    # parents: must exist (in file or database) and be of the right kind
    for line, row in rows:
        if not row["code"] or row["kind"] not in kinds:
            continue
        want = Unit.PARENT_KIND.get(row["kind"])
        parent = row["parent"]
        if want is None:
            if parent:
                errors.append(RowError(line, "parent", _("a bureau has no parent")))
            continue
        if not parent:
            errors.append(RowError(line, "parent", _("is required for a %s") % kinds[row["kind"]]))
            continue
        parent_kind = (
            incoming[parent][1]["kind"] if parent in incoming else getattr(existing.get(parent), "kind", None)
        )
        if parent_kind is None:
            errors.append(RowError(line, "parent", _("unknown unit “%s”") % parent))
        elif parent_kind != want:
            errors.append(
                RowError(
                    line,
                    "parent",
                    _("a %(kind)s must belong to a %(parent)s")
                    % {"kind": kinds[row["kind"]], "parent": kinds[want]},
                )
            )
    # a village already owned by another beat that the file does not re-assign
    if village_owner:
        for vcode, beat_code in Village.objects.filter(
            code__in=village_owner, beat__isnull=False
        ).values_list("code", "beat__code"):
            if beat_code != village_owner[vcode] and beat_code not in incoming:
                line = incoming[village_owner[vcode]][0]
                errors.append(
                    RowError(
                        line,
                        "villages",
                        _("village %(code)s is already in beat %(beat)s")
                        % {"code": vcode, "beat": beat_code},
                    )
                )
    return sorted(errors, key=lambda e: e.line)


def _order(rows):
    depth = {Unit.Kind.BUREAU: 0, Unit.Kind.PRECINCT: 1, Unit.Kind.STATION: 2, Unit.Kind.BEAT: 3}
    return sorted(rows, key=lambda item: (depth[item[1]["kind"]], item[0]))


@transaction.atomic
def import_units(content, filename="units.csv", *, actor=None, demo=False):
    """Validate every row, then upsert all of them; on any error nothing is written."""
    rows = parse_units(content, filename)
    errors = validate_units(rows)
    if errors:
        raise ImportFailed(errors)
    created = updated = 0
    touched = []
    district_map = {d.name: d for d in District.objects.all()} | {d.code: d for d in District.objects.all()}
    for _line, row in _order(rows):
        parent = Unit.objects.get(code=row["parent"]) if row["parent"] else None
        values = {
            "name": row["name"],
            "name_en": row["name_en"],
            "kind": row["kind"],
            "parent": parent,
            "is_demo": demo,
        }
        unit = Unit.objects.filter(code=row["code"]).first()
        is_new = unit is None
        if is_new:
            unit = Unit.objects.create(code=row["code"], **values)
            changed = True
        else:
            changed = any(getattr(unit, k) != v for k, v in values.items())
            if changed:
                old_path = unit.path
                for k, v in values.items():
                    setattr(unit, k, v)
                unit.save()
                _repath_descendants(unit, old_path)
        if row["kind"] == Unit.Kind.PRECINCT:
            wanted = {district_map[n].pk for n in _split(row["districts"])}
            if set(unit.districts.values_list("pk", flat=True)) != wanted:
                unit.districts.set(wanted)
                changed = True
        if row["kind"] == Unit.Kind.BEAT and row["villages"]:
            wanted = set(_split(row["villages"]))
            current = set(Village.objects.filter(beat=unit).values_list("code", flat=True))
            if current != wanted:
                Village.objects.filter(beat=unit).exclude(code__in=wanted).update(beat=None)
                Village.objects.filter(code__in=wanted).update(beat=unit)
                changed = True
        if row.get("_geometry"):
            if unit.boundary != row["_geometry"]:
                unit.boundary = row["_geometry"]
                unit.save(update_fields=["boundary"])
                changed = True
        if changed:
            touched.append(unit.pk)
            created += is_new
            updated += not is_new
    if touched:
        refresh_boundaries(
            Unit.objects.filter(pk__in=touched), keep_given={r["code"] for _, r in rows if r.get("_geometry")}
        )
        audit.record(
            "org.import_units",
            actor=actor,
            obj=("org.unit", "import"),
            extra={"file": filename, "rows": len(rows), "created": created, "updated": updated},
        )
    return {"rows": len(rows), "created": created, "updated": updated}


def _repath_descendants(unit, old_path):
    if old_path and old_path != unit.path:
        for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).order_by("path"):
            child.save()


def refresh_boundaries(units, keep_given=()):
    """Recompute boundaries bottom-up: beat = its villages, station = its beats, precinct = its districts/stations."""
    order = {Unit.Kind.BEAT: 0, Unit.Kind.STATION: 1, Unit.Kind.PRECINCT: 2, Unit.Kind.BUREAU: 3}
    todo = {}
    for unit in units:
        for ancestor in [*unit.ancestors(), unit]:
            todo[ancestor.pk] = ancestor
    for unit in sorted(todo.values(), key=lambda u: order[u.kind]):
        if unit.code in keep_given:
            continue
        if unit.kind == Unit.Kind.BEAT:
            geoms = list(Village.objects.filter(beat=unit).values_list("boundary", flat=True))
        elif unit.kind == Unit.Kind.PRECINCT and unit.districts.exists():
            geoms = list(unit.districts.values_list("boundary", flat=True))
        elif unit.kind == Unit.Kind.BUREAU:
            geoms = list(District.objects.values_list("boundary", flat=True))
        else:
            geoms = [g for g in unit.children.values_list("boundary", flat=True) if g]
        boundary = _boundary_union(geoms, tolerance=0.0002 if unit.kind != Unit.Kind.BEAT else 0.00005)
        if boundary != unit.boundary:
            Unit.objects.filter(pk=unit.pk).update(boundary=boundary)
