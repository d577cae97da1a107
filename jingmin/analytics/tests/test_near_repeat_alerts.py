"""A near-repeat-category incident in a flagged pattern alerts the beats within the flagged distance."""

import datetime as dt

from django.utils import timezone

from jingmin.analytics.importer import import_incidents
from jingmin.analytics.models import IncidentCategory, NearRepeatAlert, NearRepeatTest
from jingmin.analytics.nearrepeat import run_knox
from jingmin.analytics.tests.helpers import csv_text, row
from jingmin.org import roles


def flagged_test(w, distance=300.0, days=14.0):
    now = timezone.now()
    return NearRepeatTest.objects.create(
        unit=w.precinct,
        category=IncidentCategory.objects.get(code="burglary"),
        period_start=now - dt.timedelta(days=365),
        period_end=now,
        n_events=100,
        n_perm=99,
        distance_m=distance,
        days=days,
    )


def test_new_burglary_alerts_nearby_beats(w, client):
    flagged_test(w)
    report = import_incidents(csv_text([row("NR-1", w.beat, "burglary", days_ago=0.5)]))
    assert report.alerts >= 1
    alerts = NearRepeatAlert.objects.filter(incident__external_id="NR-1")
    assert w.beat.pk in set(alerts.values_list("unit_id", flat=True))
    alert = alerts.get(unit=w.beat)
    assert alert.distance_m == 300 and alert.days == 14
    assert abs((alert.valid_until - alert.incident.occurred_at) - dt.timedelta(days=14)) < dt.timedelta(
        seconds=1
    )
    # shown on the beat officer's home page and at the API
    client.force_login(w.inside[roles.BEAT_OFFICER])
    home = client.get("/").content.decode()
    assert "near-repeat-alerts" in home
    assert "NR-1" in {a["incident"] for a in client.get("/api/v1/analytics/near-repeat/alerts").json()}
    # not for an officer of another precinct
    client.force_login(w.outside[roles.BEAT_OFFICER])
    assert client.get("/api/v1/analytics/near-repeat/alerts").json() == []
    assert "near-repeat-alerts" not in client.get("/").content.decode()


def test_no_alert_without_a_flagged_pattern_or_for_other_categories_or_old_incidents(w):
    NearRepeatTest.objects.create(
        unit=w.precinct,
        category=IncidentCategory.objects.get(code="burglary"),
        period_start=timezone.now(),
        period_end=timezone.now(),
        distance_m=None,
        days=None,
    )
    assert import_incidents(csv_text([row("NR-2", w.beat, "burglary", days_ago=0.5)])).alerts == 0
    flagged_test(w)
    assert import_incidents(csv_text([row("NR-3", w.beat, "theft", days_ago=0.5)])).alerts == 0
    assert import_incidents(csv_text([row("NR-4", w.beat, "burglary", days_ago=40)])).alerts == 0
    # re-importing an alerted incident does not alert twice
    assert import_incidents(csv_text([row("NR-5", w.beat, "burglary", days_ago=0.5)])).alerts >= 1
    assert import_incidents(csv_text([row("NR-5", w.beat, "burglary", days_ago=0.5)])).alerts == 0


def test_knox_test_on_the_demo_chains_is_stored(w):
    test = run_knox(w.precinct, IncidentCategory.objects.get(code="burglary"), n_perm=49, seed=1)
    assert test.pk and test.n_events > 50 and test.table
    assert test.distance_m and test.days, "the demo burglary chains are near repeats"


def test_alert_scope_for_every_role(w, client):
    flagged_test(w)
    import_incidents(csv_text([row("NR-6", w.beat, "burglary", days_ago=0.5)]))
    for role in roles.ROLES:
        for user, inside in ((w.inside[role], True), (w.outside[role], False)):
            client.force_login(user)
            response = client.get("/api/v1/analytics/near-repeat/alerts")
            if role not in roles.CAPABILITIES["analytics.view_alerts"] and not user.is_superuser:
                assert response.status_code == 403
                continue
            got = {a["incident"] for a in response.json()}
            assert ("NR-6" in got) == inside, (role, inside)
