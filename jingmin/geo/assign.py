"""Point → village (and so beat) assignment with an STRtree over the village polygons."""

import threading

import numpy as np
import shapely
from shapely.geometry import shape

_lock = threading.Lock()
_cache = {}


class VillageIndex:
    """Spatial index of polygons; ``assign(lon, lat)`` gives the index of the containing polygon or -1."""

    def __init__(self, codes, geometries):
        self.codes = np.asarray(codes, dtype=object)
        self.geometries = np.asarray(geometries, dtype=object)
        shapely.prepare(self.geometries)
        self.tree = shapely.STRtree(self.geometries)

    @classmethod
    def from_features(cls, features):
        return cls([f["code"] for f in features], [shape(f["geometry"]) for f in features])

    def assign(self, lon, lat):
        """Vectorised: arrays of lon/lat → array of polygon positions (-1 where none contains the point).

        A point on a shared border belongs to the polygon listed first.
        """
        lon = np.atleast_1d(np.asarray(lon, dtype=float))
        lat = np.atleast_1d(np.asarray(lat, dtype=float))
        result = np.full(lon.shape[0], -1, dtype=np.int64)
        if lon.size == 0:
            return result
        points = shapely.points(lon, lat)
        point_idx, poly_idx = self.tree.query(points, predicate="intersects")
        if point_idx.size:
            order = np.lexsort((poly_idx, point_idx))
            point_idx, poly_idx = point_idx[order], poly_idx[order]
            first = np.ones(point_idx.size, dtype=bool)
            first[1:] = point_idx[1:] != point_idx[:-1]
            result[point_idx[first]] = poly_idx[first]
        return result

    def codes_for(self, lon, lat):
        idx = self.assign(lon, lat)
        return [self.codes[i] if i >= 0 else None for i in idx]


def village_index():
    """The index of the villages in the database, built once per process (rebuilt after geography changes)."""
    from jingmin.org.models import Village

    stamp = (Village.objects.count(), Village.objects.order_by("-id").values_list("id", flat=True).first())
    with _lock:
        cached = _cache.get("villages")
        if cached and cached[0] == stamp:
            return cached[1]
        rows = list(Village.objects.order_by("code").values_list("code", "boundary"))
        index = VillageIndex([c for c, _ in rows], [shape(b) for _, b in rows])
        _cache["villages"] = (stamp, index)
        return index


def assign_village(lon, lat):
    """The Village containing (lon, lat), or None."""
    from jingmin.org.models import Village

    code = village_index().codes_for([lon], [lat])[0]
    return Village.objects.select_related("beat", "district").get(code=code) if code else None
