"""Each incident is assigned to the village holding its point and to that village's beat; x/y in EPSG:3826."""

import pytest

from jingmin.analytics.importer import import_incidents
from jingmin.analytics.models import Incident
from jingmin.analytics.tests.helpers import csv_text, row
from jingmin.geo.assign import assign_village
from jingmin.geo.proj import to_twd97


def test_assigned_to_village_and_beat(w):
    report = import_incidents(csv_text([row("A-1", w.beat), row("A-2", w.beat2), row("A-3", w.other_beat)]))
    assert report.created == 3
    for rid, beat in (("A-1", w.beat), ("A-2", w.beat2), ("A-3", w.other_beat)):
        inc = Incident.objects.get(external_id=rid)
        assert inc.unit == beat
        assert inc.village == assign_village(inc.lon, inc.lat)
        assert inc.village.beat == beat
        x, y = to_twd97(inc.lon, inc.lat)
        assert inc.x == pytest.approx(float(x), abs=0.01) and inc.y == pytest.approx(float(y), abs=0.01)


def test_time_is_stored_in_utc(w):
    text = csv_text([("A-9", "2026-03-01T08:30:00+08:00", *row("x", w.beat)[2:])])
    import_incidents(text)
    inc = Incident.objects.get(external_id="A-9")
    assert inc.occurred_at.isoformat() == "2026-03-01T00:30:00+00:00"


def test_moving_a_point_moves_the_incident_to_the_new_beat(w):
    import_incidents(csv_text([row("A-5", w.beat)]))
    report = import_incidents(csv_text([row("A-5", w.beat2)]))
    assert report.updated == 1
    assert Incident.objects.get(external_id="A-5").unit == w.beat2
