"""Seed the person categories from DOMAIN.md (editable afterwards in the admin)."""

from django.db import migrations

CATEGORIES = [
    # kind, code, name, name_en — 治安顧慮人口查訪辦法: the 14 qualifying groups
    ("concern", "homicide", "殺人", "Homicide"),
    ("concern", "robbery", "強盜", "Robbery"),
    ("concern", "snatching", "搶奪", "Snatching"),
    ("concern", "arson", "放火", "Arson"),
    ("concern", "sexual", "妨害性自主", "Sexual offences"),
    ("concern", "extortion", "恐嚇取財", "Extortion"),
    ("concern", "kidnapping", "擄人勒贖", "Kidnapping for ransom"),
    ("concern", "theft", "竊盜", "Theft"),
    ("concern", "fraud", "詐欺", "Fraud"),
    ("concern", "liberty", "妨害自由", "Offences against liberty"),
    ("concern", "organised", "組織犯罪", "Organised crime"),
    ("concern", "drug-rehab", "施用毒品（毒品危害防制條例第25條第2項）", "Drug rehabilitation (Narcotics Act 25 II)"),
    ("concern", "drug-trade", "製造運輸販賣持有毒品", "Drug manufacture, transport, sale or possession"),
    ("concern", "firearms", "槍砲彈藥", "Firearms"),
    # 記事人口
    ("notes", "sex-offender-high", "性侵害犯罪加害人（高再犯危險）", "Registered sex offender (high risk)"),
    ("notes", "sex-offender-medium", "性侵害犯罪加害人（中再犯危險）", "Registered sex offender (medium risk)"),
    ("notes", "sex-offender-low", "性侵害犯罪加害人（低再犯危險）", "Registered sex offender (low risk)"),
    ("notes", "dv-respondent", "家庭暴力相對人", "Domestic-violence respondent"),
    # 諮詢對象
    ("contact", "village-chief", "村里長、鄰長", "Village or neighbourhood chief"),
    ("contact", "watch-member", "守望相助隊員", "Neighbourhood-watch member"),
    ("contact", "building-security", "大樓管理員、保全", "Building manager or security guard"),
    ("contact", "representative", "民意代表", "Elected representative"),
    ("contact", "other-contact", "其他諮詢對象", "Other community contact"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("people", "Category")
    for order, (kind, code, name, name_en) in enumerate(CATEGORIES):
        Category.objects.update_or_create(
            code=code, defaults={"kind": kind, "name": name, "name_en": name_en, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
