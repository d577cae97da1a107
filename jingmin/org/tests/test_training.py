"""Officer training records: who may write, scope, bad input, audit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jingmin.audit.models import AuditEvent
from jingmin.org import actions
from jingmin.org.models import Officer, TrainingSession


def test_chief_creates_session_through_the_page(client, w):
    client.force_login(w.inside["station_chief"])
    before = AuditEvent.objects.count()
    response = client.post("/org/training/new/", {"topic": "識詐宣導", "held_on": "2026-11-20", "hours": "2"})
    assert response.status_code == 302
    session = TrainingSession.objects.get(topic="識詐宣導")
    assert session.unit == w.station
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.last().object_id == str(session.pk)


@pytest.mark.parametrize(
    "data,field",
    [
        ({"topic": "", "held_on": "2026-11-20", "hours": "2"}, "topic"),
        ({"topic": "x", "held_on": "not a date", "hours": "2"}, "held_on"),
        ({"topic": "x", "held_on": "2026-11-20", "hours": "0"}, "hours"),
        ({"topic": "x", "held_on": "2026-11-20", "hours": "30"}, "hours"),
    ],
)
def test_bad_input_changes_nothing(client, w, data, field):
    client.force_login(w.inside["station_chief"])
    before = (TrainingSession.objects.count(), AuditEvent.objects.count())
    response = client.post("/org/training/new/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert (TrainingSession.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize(
    "role", ["beat_officer", "investigator", "social_liaison", "community_partner", "bureau_analyst"]
)
def test_roles_without_training_management(client, w, role):
    client.force_login(w.inside[role])
    assert client.get("/org/training/new/").status_code == 403


def test_training_list_is_scoped(client, w):
    session = TrainingSession.objects.filter(unit=w.station).first()
    client.force_login(w.outside["station_chief"])
    assert session.topic not in client.get("/org/training/").content.decode()
    assert client.get(f"/org/training/{session.pk}/").status_code == 404
    client.force_login(w.inside["beat_officer"])
    # a beat officer belongs to the station's subtree but not the other way round: station sessions are not theirs
    assert client.get(f"/org/training/{session.pk}/").status_code == 404
    client.force_login(w.inside["precinct_officer"])
    assert client.get(f"/org/training/{session.pk}/").status_code == 200


def test_attendance_and_officer_record(client, w):
    session = TrainingSession.objects.filter(unit=w.station).first()
    beat_officer = Officer.objects.get(user__username="demo-beat")
    client.force_login(w.inside["station_chief"])
    response = client.post(
        f"/org/training/{session.pk}/", {"attendees": [beat_officer.pk], "completed": [beat_officer.pk]}
    )
    assert response.status_code == 302
    assert list(session.attendances.values_list("officer_id", "completed")) == [(beat_officer.pk, True)]
    assert AuditEvent.objects.last().action == "org.set_attendance"


def test_actions_refuse_outside_jurisdiction(w):
    with pytest.raises(PermissionDenied):
        actions.create_training_session(
            acting_user=w.outside["station_chief"],
            unit=w.station,
            topic="x",
            held_on=dt.date(2026, 1, 1),
            hours=Decimal("1"),
        )
    with pytest.raises(ValidationError):
        actions.create_training_session(
            acting_user=w.inside["station_chief"],
            unit=w.station,
            topic="x",
            held_on=dt.date(2026, 1, 1),
            hours=Decimal("-1"),
        )
    session = TrainingSession.objects.filter(unit=w.station).first()
    outsider = Officer.objects.get(user=w.outside["beat_officer"])
    with pytest.raises(ValidationError):
        actions.set_attendance(acting_user=w.inside["station_chief"], session=session, officers=[outsider])
