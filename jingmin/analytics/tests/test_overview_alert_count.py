"""The analytics overview counts open near-repeat alerts: acknowledged ones leave the count (as they leave
the home-page box); the alerts page and API still list them."""

from django.utils import translation

from jingmin.analytics import actions
from jingmin.analytics.importer import import_incidents
from jingmin.analytics.models import NearRepeatAlert
from jingmin.analytics.tests.helpers import csv_text, row
from jingmin.analytics.tests.warning_helpers import flag
from jingmin.org import roles


def test_acknowledged_alerts_leave_the_overview_count(w, client):
    flag(w.precinct)
    import_incidents(csv_text([row("OV-1", w.beat, days_ago=0.5), row("OV-2", w.beat, days_ago=0.6)]))
    mine = NearRepeatAlert.objects.filter(unit=w.beat)
    assert mine.count() == 2
    user = w.inside[roles.BEAT_OFFICER]
    client.force_login(user)
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        assert client.get("/analytics/").context["alerts"] == 2
        assert "2 open alerts" in client.get("/analytics/").content.decode()
        actions.acknowledge_alert(mine.first().pk, acting_user=user)
        response = client.get("/analytics/")
        assert response.context["alerts"] == 1
        assert "1 open alert" in response.content.decode()
        home = client.get("/").content.decode()
        assert home.count('class="near-repeat-alert"') == 1
    assert len(client.get("/api/v1/analytics/near-repeat/alerts").json()) == 2
