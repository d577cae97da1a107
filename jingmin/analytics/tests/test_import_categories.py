"""Categories are editable data: code, Chinese or English name (any case) are accepted; unknown or inactive not."""

from jingmin.analytics.importer import import_incidents
from jingmin.analytics.models import Incident, IncidentCategory
from jingmin.analytics.tests.helpers import csv_text, row


def test_seeded_categories(db):
    codes = set(IncidentCategory.objects.values_list("code", flat=True))
    assert {"burglary", "theft", "vehicle_theft", "robbery", "fraud", "drugs", "assault", "call_110"} <= codes
    assert IncidentCategory.objects.get(code="burglary").name == "住宅竊盜"
    assert IncidentCategory.objects.get(code="call_110").name == "110報案"
    assert set(IncidentCategory.objects.filter(near_repeat=True).values_list("code", flat=True)) == {
        "burglary"
    }


def test_names_and_codes_in_any_case(w):
    rows = [
        row("C-1", w.beat, "BURGLARY"),
        row("C-2", w.beat, "一般竊盜"),
        row("C-3", w.beat, "vehicle theft"),
    ]
    report = import_incidents(csv_text(rows))
    assert report.created == 3, report.as_dict()
    got = dict(
        Incident.objects.filter(external_id__startswith="C-").values_list("external_id", "category__code")
    )
    assert got == {"C-1": "burglary", "C-2": "theft", "C-3": "vehicle_theft"}


def test_unknown_and_inactive_categories_are_bad_rows(w):
    IncidentCategory.objects.filter(code="drugs").update(active=False)
    report = import_incidents(
        csv_text([row("C-4", w.beat, "drugs"), row("C-5", w.beat, "arson-ish"), row("C-6", w.beat, "")])
    )
    assert {(e.line, e.field) for e in report.errors} == {(2, "category"), (3, "category"), (4, "category")}
    assert not report.written
