"""The nightly refresh stores Knox tests and forecasts, with one audit event; also as a command."""

import io

from django.core.management import call_command

from jingmin.analytics.models import ForecastRun, NearRepeatTest
from jingmin.analytics.tasks import nightly_refresh, refresh_all
from jingmin.audit.models import AuditEvent


def test_refresh_for_one_unit(w):
    before = AuditEvent.objects.count()
    summary = refresh_all([w.station.code])
    assert summary["knox_tests"] == 1 and summary["forecasts"] == 2
    assert NearRepeatTest.objects.filter(unit=w.station).count() == 1
    assert set(ForecastRun.objects.filter(unit=w.station).values_list("category_key", flat=True)) == {
        "all",
        "burglary",
    }
    assert AuditEvent.objects.count() == before + 1


def test_task_and_command(w):
    assert nightly_refresh.call([w.beat.code])["forecasts"] == 2
    out = io.StringIO()
    call_command("forecast", "refresh", "--unit", w.beat2.code, stdout=out)
    assert "Knox" in out.getvalue()
