"""Demo places with crime indicators: a few hundred fictitious places over Tainan's real villages."""

from shapely.geometry import shape

from jingmin.geo.locate import unit_for_village
from jingmin.geo.sampling import STREETS, random_point
from jingmin.places.models import Category, Place

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
