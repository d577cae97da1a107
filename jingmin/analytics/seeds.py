"""Default incident categories (seeded by migration 0002; editable afterwards in the admin)."""

CATEGORIES = [
    # code, zh-Hant name, English name, near_repeat
    ("burglary", "住宅竊盜", "Residential burglary", True),
    ("theft", "一般竊盜", "Theft", False),
    ("vehicle_theft", "汽機車竊盜", "Vehicle theft", False),
    ("robbery", "強盜搶奪", "Robbery and snatching", False),
    ("fraud", "詐欺", "Fraud", False),
    ("drugs", "毒品", "Drugs", False),
    ("assault", "傷害", "Assault", False),
    ("domestic_violence", "家庭暴力", "Domestic violence", False),
    ("vandalism", "毀損", "Criminal damage", False),
    ("call_110", "110報案", "110 call", False),
    ("other", "其他", "Other", False),
]


def ensure_categories(model=None):
    """Create the default categories that are missing (existing ones are left as edited)."""
    if model is None:
        from jingmin.analytics.models import IncidentCategory as model
    for order, (code, name, name_en, near_repeat) in enumerate(CATEGORIES, start=1):
        model.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "near_repeat": near_repeat, "order": order * 10},
        )
