"""GeoJSON output, simplified per zoom level."""

from shapely.geometry import mapping, shape

from jingmin.org.geometry import round_coords

# Web-mercator zoom → simplification tolerance in degrees (about a third of a pixel).
_DEG_PER_PIXEL_Z0 = 360.0 / 256.0


def tolerance_for_zoom(zoom):
    if zoom is None:
        return 0.0
    zoom = max(0, min(int(zoom), 20))
    return _DEG_PER_PIXEL_Z0 / (2**zoom) / 3.0


def simplify(geometry, zoom=None):
    tol = tolerance_for_zoom(zoom)
    if not geometry or tol <= 0:
        return geometry
    geom = shape(geometry).simplify(tol, preserve_topology=True)
    return round_coords(mapping(geom))


def feature(geometry, properties, zoom=None, fid=None):
    result = {"type": "Feature", "properties": properties, "geometry": simplify(geometry, zoom)}
    if fid is not None:
        result["id"] = fid
    return result


def collection(features):
    return {"type": "FeatureCollection", "features": list(features)}
