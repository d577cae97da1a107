"""Seed the visit rules and settings from DOMAIN.md (rules as data; edit them in the admin).

* 治安顧慮人口: at least monthly, for three years (治安顧慮人口查訪辦法).
* 記事人口: registered sex offenders by risk level, domestic-violence respondents (frequencies unconfirmed).
* 諮詢對象: every three months (unconfirmed).
* Places with crime indicators: high risk monthly, medium every two months, low quarterly (unconfirmed).
"""

import datetime as dt

from django.db import migrations

PERSON_RULES = {
    "sex-offender-high": 1,
    "sex-offender-medium": 2,
    "sex-offender-low": 3,
    "dv-respondent": 3,
}
CONTACT_MONTHS = 3
PLACE_RULES = {3: 1, 2: 2, 1: 3}


def seed(apps, schema_editor):
    Category = apps.get_model("people", "Category")
    Rule = apps.get_model("visits", "Rule")
    Config = apps.get_model("visits", "Config")
    Config.objects.get_or_create(
        pk=1,
        defaults={
            "day_start": dt.time(7, 0),
            "day_end": dt.time(19, 0),
            "intel_urgent_hours": 2,
            "intel_normal_hours": 72,
        },
    )
    for category in Category.objects.exclude(kind="general"):
        if category.kind == "concern":
            months, source = 1, "治安顧慮人口查訪辦法: at least once a month"
        elif category.kind == "contact":
            months, source = CONTACT_MONTHS, "(unconfirmed) default"
        else:
            months, source = PERSON_RULES.get(category.code, 3), "(unconfirmed) by risk level"
        Rule.objects.get_or_create(
            subject="person",
            person_category=category,
            place_risk=None,
            defaults={"interval_months": months, "source": source},
        )
    for risk, months in PLACE_RULES.items():
        Rule.objects.get_or_create(
            subject="place",
            person_category=None,
            place_risk=risk,
            defaults={"interval_months": months, "source": "(unconfirmed) by risk level"},
        )


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_initial"), ("people", "0002_seed_categories")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
