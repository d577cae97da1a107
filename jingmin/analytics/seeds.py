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


# The community warning after a near-repeat burglary (messaging's shared template library; editable in
# the admin). Placeholders: {station} (filled in by messaging), {station_en}, {villages}, {villages_en},
# {until} (ROC date) and {until_en} (ISO date). It never names the victim's address or the incident.
WARNING_TEMPLATE = {
    "code": "near-repeat-burglary",
    "category": "general",
    "title": "住宅竊盜近重複提醒 Burglary warning",
    "body": (
        "【{station}治安提醒】{villages}附近近日發生住宅竊盜。依過去的案件型態，附近住家到{until}前遭竊的風險較高。"
        "請隨手關好門窗並上鎖，門口、車庫與屋後保持照明，貴重物品勿放在看得見的地方；"
        "看到可疑人車請立即撥打110。守望相助，平安相隨！\n\n"
        "[{station_en} safety notice] A residential burglary happened near {villages_en} recently. "
        "Past patterns show that nearby homes face a higher risk until {until_en}. "
        "Please lock doors and windows, keep entrances, garages and back yards lit, keep valuables out of "
        "sight, and call 110 at once about suspicious people or vehicles."
    ),
}


def ensure_warning_template(model=None):
    """Create the shared ``near-repeat-burglary`` message template if it is missing (edits are kept)."""
    if model is None:
        from jingmin.messaging.models import MessageTemplate as model
    fields = {k: v for k, v in WARNING_TEMPLATE.items() if k != "code"}
    return model.objects.get_or_create(code=WARNING_TEMPLATE["code"], unit=None, defaults=fields)[0]


def ensure():
    """The default incident categories and the near-repeat warning template (idempotent)."""
    ensure_categories()
    ensure_warning_template()
