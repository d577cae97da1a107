"""Seed the categories of places with crime indicators (犯罪徵候處所); editable afterwards."""

from django.db import migrations

CATEGORIES = [
    ("tea-shop", "可疑茶室、小吃部", "Suspicious tea shop or snack bar"),
    ("abandoned", "空屋、廢棄建物", "Abandoned or empty building"),
    ("late-night", "深夜營業場所（KTV、酒店、夜店）", "Late-night venue (KTV, bar, club)"),
    ("gambling", "賭博情資處所", "Place where gambling was reported"),
    ("drugs", "毒品情資處所", "Place where drugs were reported"),
    ("net-cafe", "網咖、電子遊戲場", "Internet cafe or arcade"),
    ("lodging", "旅宿、日租套房", "Hotel, hostel or short-let flat"),
    ("pawnshop", "當舖、二手收購", "Pawnshop or second-hand dealer"),
    ("scrapyard", "資源回收場", "Scrapyard or recycling yard"),
    ("other", "其他犯罪徵候處所", "Other place with crime indicators"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("places", "Category")
    for order, (code, name, name_en) in enumerate(CATEGORIES):
        Category.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en, "order": order})


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
