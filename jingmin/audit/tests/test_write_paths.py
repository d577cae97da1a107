"""Every write path appends exactly one audit event."""

import datetime as dt
from decimal import Decimal

from jingmin.audit.models import AuditEvent
from jingmin.org import actions
from jingmin.org.importer import import_units
from jingmin.org.models import Officer, Unit


def one_event(fn, action):
    before = AuditEvent.objects.count()
    fn()
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.last().action == action


def test_write_paths(client, w):
    chief = w.inside["station_chief"]
    one_event(
        lambda: actions.create_training_session(
            acting_user=chief, unit=w.station, topic="t", held_on=dt.date(2026, 11, 1), hours=Decimal("1")
        ),
        "org.create_training",
    )
    session = w.station.training_sessions.first()
    one_event(
        lambda: actions.set_attendance(
            acting_user=chief, session=session, officers=[Officer.objects.get(user=chief)]
        ),
        "org.set_attendance",
    )
    one_event(
        lambda: import_units("code,name,kind,parent\nTNPD-P05-S55,x,station,TNPD-P05\n", "u.csv"),
        "org.import_units",
    )
    one_event(
        lambda: actions.create_user(
            acting_user=None,
            username="new-officer",
            password="a-long-password",
            unit=w.beat,
            role_codes=["beat_officer"],
        ),
        "org.create_user",
    )
    one_event(
        lambda: client.post(
            "/api/v1/auth/token",
            {"username": "demo-beat", "password": "jingmin-demo"},
            content_type="application/json",
        ),
        "auth.token_issued",
    )
    assert Unit.objects.filter(code="TNPD-P05-S55").exists()
