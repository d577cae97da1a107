import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from jingmin.audit.models import AuditEvent
from jingmin.org.models import District, Officer, TrainingAttendance, TrainingSession, Unit, Village


def counts():
    return {
        "units": Unit.objects.count(),
        "districts": District.objects.count(),
        "villages": Village.objects.count(),
        "users": get_user_model().objects.count(),
        "officers": Officer.objects.count(),
        "training": TrainingSession.objects.count(),
        "attendance": TrainingAttendance.objects.count(),
        "audit": AuditEvent.objects.count(),
        "beats": sorted(Village.objects.values_list("code", "beat__code")),
        "hashes": sorted(get_user_model().objects.values_list("username", "password")),
    }


def test_demo_twice_changes_nothing(w, capsys):
    before = counts()
    call_command("demo", demo=True)
    assert "demo-beat2" in capsys.readouterr().out
    assert counts() == before


def test_demo_accounts_have_their_roles_and_units(w):
    chief = w.inside["station_chief"]
    assert chief.officer.unit == w.station
    assert w.inside["beat_officer"].officer.unit.parent == w.station
    beat2 = get_user_model().objects.get(username="demo-beat2")
    assert beat2.officer.unit == w.beat2
    assert chief.check_password("jingmin-demo")


@override_settings(DEMO=False)
def test_demo_refused_on_production_database(w):
    with pytest.raises(CommandError, match="Refusing"):
        call_command("demo")
