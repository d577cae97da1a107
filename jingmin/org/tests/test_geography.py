"""Real Tainan geography: 37 districts, 649 villages, 16 precincts; point assignment is exact."""

import numpy as np
import shapely
from shapely.geometry import shape

from jingmin.geo.assign import VillageIndex, assign_village, village_index
from jingmin.org.models import District, Unit, Village


def test_counts(w):
    assert District.objects.count() == 37
    assert Village.objects.count() == 649
    assert Unit.objects.filter(kind="precinct").count() == 16
    assert Unit.objects.filter(kind="bureau").count() == 1


def test_every_village_in_exactly_one_district_and_one_beat(w):
    assert not Village.objects.filter(beat__isnull=True).exists()
    assert not Village.objects.filter(district__isnull=True).exists()
    # one beat per village and every beat covers at least one village
    assert Village.objects.values("beat").distinct().count() == 649
    assert Unit.objects.filter(kind="beat", villages__isnull=True).count() == 0
    # beats sit under stations under precincts whose districts hold the village
    for v in Village.objects.select_related("district", "beat__parent__parent")[:649]:
        precinct = v.beat.parent.parent
        assert precinct.kind == "precinct"
        assert precinct.districts.filter(pk=v.district_id).exists(), v.code


def test_precincts_cover_all_districts_once(w):
    covered = list(District.objects.filter(precincts__kind="precinct").values_list("code", flat=True))
    assert len(covered) == 37
    assert len(set(covered)) == 37


def test_stations_hold_four_to_eight_villages(w):
    for station in Unit.objects.filter(kind="station", is_demo=True):
        n = Village.objects.filter(beat__parent=station).count()
        assert 4 <= n <= 8, (station.code, n)


def test_point_assignment_agrees_with_shapely_contains(w):
    index = village_index()
    rng = np.random.default_rng(20261129)
    lon = rng.uniform(120.0, 120.7, 10_000)
    lat = rng.uniform(22.88, 23.42, 10_000)
    got = index.assign(lon, lat)
    polys = index.geometries
    for i in range(10_000):
        p = shapely.Point(lon[i], lat[i])
        if got[i] >= 0:
            assert polys[got[i]].intersects(p)
        else:
            assert not any(poly.contains(p) for poly in polys[index.tree.query(p)])
    # most of the bounding box is Tainan
    assert (got >= 0).mean() > 0.5


def test_assign_village_and_outside_point(w):
    v = Village.objects.get(code="67000020010")
    point = shape(v.boundary).representative_point()
    assert assign_village(point.x, point.y) == v
    assert assign_village(121.5, 25.0) is None  # Taipei


def test_index_on_borders_picks_one_polygon():
    square_a = shapely.box(0, 0, 1, 1)
    square_b = shapely.box(1, 0, 2, 1)
    index = VillageIndex(["a", "b"], [square_a, square_b])
    assert list(index.codes_for([1.0, 0.5, 1.5, 3], [0.5, 0.5, 0.5, 3])) == ["a", "a", "b", None]
    assert index.assign([], []).size == 0
