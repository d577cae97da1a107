"""Fictitious points and addresses for demo data: random points inside a village, street names."""

from shapely.geometry import Point

STREETS = ["中正路", "民族路", "成功路", "公園路", "北門路", "開元路", "長榮路", "東寧路", "海安路", "中華路"]


def random_point(rng, geometry):
    """A random point inside a village polygon (rejection sampling in its bounding box)."""
    minx, miny, maxx, maxy = geometry.bounds
    for _ in range(200):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if geometry.contains(Point(x, y)):
            return round(float(y), 6), round(float(x), 6)
    p = geometry.representative_point()
    return round(p.y, 6), round(p.x, 6)
