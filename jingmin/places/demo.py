"""Demo places with crime indicators: a few hundred fictitious places over Tainan's real villages."""

from shapely.geometry import Point, shape

from jingmin.geo.locate import unit_for_village
from jingmin.places.models import Category, Place

STREETS = ["中正路", "民族路", "成功路", "公園路", "北門路", "開元路", "長榮路", "東寧路", "海安路", "中華路"]
PREFIX = {
    "tea-shop": ["金鳳", "玉蘭", "夜來香", "鴻運"],
    "abandoned": ["廢棄鐵皮屋", "空置透天厝", "閒置倉庫"],
    "late-night": ["星光KTV", "月光酒吧", "不夜城"],
    "gambling": ["棋牌社", "娛樂社"],
    "drugs": ["出租套房", "檳榔攤"],
    "net-cafe": ["極速網咖", "玩家電子遊戲場"],
    "lodging": ["日租套房", "平價旅社"],
    "pawnshop": ["當舖", "二手收購"],
    "scrapyard": ["資源回收場"],
    "other": ["空地", "地下道"],
}


def random_point(rng, geometry):
    """A random point inside a village polygon (rejection sampling in its bounding box)."""
    minx, miny, maxx, maxy = geometry.bounds
    for _ in range(200):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if geometry.contains(Point(x, y)):
            return round(float(y), 6), round(float(x), 6)
    p = geometry.representative_point()
    return round(p.y, 6), round(p.x, 6)


def village_shapes(villages):
    return {v.pk: shape(v.boundary) for v in villages}


def make_places(rng, villages, focus, shapes, count=300):
    """``count`` places spread over ``villages`` plus a few in each ``focus`` village (the demo beats)."""
    categories = list(Category.objects.filter(active=True))
    chosen = [villages[i] for i in rng.integers(0, len(villages), count)] + [
        v for v in focus for _ in range(5)
    ]
    places = []
    for n, village in enumerate(chosen, start=1):
        category = categories[int(rng.integers(0, len(categories)))]
        names = PREFIX.get(category.code, ["處所"])
        lat, lon = random_point(rng, shapes[village.pk])
        places.append(
            Place(
                unit=unit_for_village(village),
                village=village,
                category=category,
                name=f"{names[int(rng.integers(0, len(names)))]}（虛構{n:03d}）",
                risk=int(rng.choice([1, 2, 2, 3])),
                description="示範資料，純屬虛構。",
                address=f"臺南市{village.district.name}{village.name}{STREETS[n % len(STREETS)]}{int(rng.integers(1, 400))}號",
                lat=lat,
                lon=lon,
                is_demo=True,
            )
        )
    return Place.objects.bulk_create(places)
