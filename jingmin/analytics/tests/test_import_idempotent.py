"""Re-importing the same file never duplicates: rows are upserted by id; one audit event per import."""

from jingmin.analytics.importer import import_incidents
from jingmin.analytics.models import Incident
from jingmin.analytics.tests.helpers import csv_text, row
from jingmin.audit.models import AuditEvent


def test_reimport_is_idempotent_and_updates_changed_rows(w):
    text = csv_text([row("T-1", w.beat), row("T-2", w.beat2, "theft"), row("T-3", w.other_beat, "fraud")])
    before = (Incident.objects.count(), AuditEvent.objects.count())
    first = import_incidents(text, filename="a.csv")
    assert (first.created, first.updated, first.unchanged, first.bad_rows) == (3, 0, 0, 0)
    assert Incident.objects.count() == before[0] + 3
    assert AuditEvent.objects.count() == before[1] + 1
    event = AuditEvent.objects.last()
    assert event.action == "analytics.import_incidents" and event.extra["created"] == 3

    again = import_incidents(text, filename="a.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Incident.objects.count() == before[0] + 3
    assert AuditEvent.objects.count() == before[1] + 2

    changed = text.replace(",theft,", ",vehicle_theft,")
    third = import_incidents(changed, filename="a.csv")
    assert (third.created, third.updated, third.unchanged) == (0, 1, 2)
    assert Incident.objects.get(external_id="T-2").category.code == "vehicle_theft"
    assert Incident.objects.filter(external_id__startswith="T-").count() == 3
