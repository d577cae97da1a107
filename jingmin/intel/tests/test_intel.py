"""Intelligence reports: routing (beat → station chief → precinct), timestamps, overdue thresholds."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jingmin.intel import actions
from jingmin.intel.models import IntelReport, IntelStatus
from jingmin.visits.models import Config


def file(w, urgency="normal", hours_ago=0):
    return actions.file_intel(
        acting_user=w.inside["beat_officer"],
        data={"kind": "drugs", "urgency": urgency, "text": "可疑人士進出"},
        filed_at=timezone.now() - dt.timedelta(hours=hours_ago),
    )


def test_routing_and_timestamps(client, w):
    client.force_login(w.inside["beat_officer"])
    r = client.post(
        "/api/v1/intel-reports",
        {"kind": "gambling", "urgency": "urgent", "text": "聚賭"},
        content_type="application/json",
    )
    assert r.status_code == 201
    report = IntelReport.objects.get(pk=r.json()["id"])
    assert report.unit == w.beat and report.station == w.station and report.status == IntelStatus.SUBMITTED
    # the beat officer may not handle it; the chief of the station does
    r = client.patch(
        f"/api/v1/intel-reports/{report.pk}", {"action": "acknowledge"}, content_type="application/json"
    )
    assert r.status_code == 403
    client.force_login(w.inside["station_chief"])
    assert report.pk in [x["id"] for x in client.get("/api/v1/intel-reports").json()["results"]]
    r = client.patch(
        f"/api/v1/intel-reports/{report.pk}", {"action": "acknowledge"}, content_type="application/json"
    )
    assert r.json()["status"] == "acknowledged" and r.json()["acknowledged_at"]
    r = client.patch(
        f"/api/v1/intel-reports/{report.pk}",
        {"action": "assign", "assigned_to": "demo-beat2"},
        content_type="application/json",
    )
    assert r.json()["status"] == "assigned" and r.json()["assigned_to"] == "demo-beat2"
    r = client.patch(
        f"/api/v1/intel-reports/{report.pk}",
        {"action": "forward", "forwarded_to": "investigation", "note": "轉偵查隊"},
        content_type="application/json",
    )
    assert r.json()["status"] == "forwarded" and r.json()["forwarded_at"]
    # the precinct sees it and closes it
    client.force_login(w.inside["precinct_officer"])
    r = client.patch(
        f"/api/v1/intel-reports/{report.pk}",
        {"action": "close", "outcome": "查獲"},
        content_type="application/json",
    )
    assert r.json()["status"] == "closed" and r.json()["closed_at"]
    report.refresh_from_db()
    assert (
        report.filed_at
        <= report.acknowledged_at
        <= report.assigned_at
        <= report.forwarded_at
        <= report.closed_at
    )


def test_bad_transitions_and_assignee(w):
    chief = w.inside["station_chief"]
    report = file(w)
    with pytest.raises(ValidationError):
        actions.close_intel(acting_user=chief, report=report, outcome="x")  # not acknowledged yet
    with pytest.raises(ValidationError) as exc:
        actions.assign_intel(acting_user=chief, report=report, officer=w.outside["beat_officer"])
    assert "assigned_to" in exc.value.message_dict
    with pytest.raises(ValidationError):
        actions.forward_intel(acting_user=chief, report=report, to="nowhere")
    with pytest.raises(PermissionDenied):
        actions.acknowledge_intel(acting_user=w.outside["station_chief"], report=report)
    assert IntelReport.objects.get(pk=report.pk).status == IntelStatus.SUBMITTED


def test_overdue_thresholds(client, w):
    urgent_late = file(w, "urgent", hours_ago=3)
    urgent_fresh = file(w, "urgent", hours_ago=1)
    normal_late = file(w, "normal", hours_ago=73)
    normal_fresh = file(w, "normal", hours_ago=70)
    overdue = set(actions.overdue_reports(w.inside["station_chief"]).values_list("pk", flat=True))
    assert {urgent_late.pk, normal_late.pk} <= overdue
    assert not ({urgent_fresh.pk, normal_fresh.pk} & overdue)
    client.force_login(w.inside["station_chief"])
    page = client.get("/visits/today/")
    assert urgent_late in list(page.context["overdue_reports"])
    # acknowledging ends the overdue state
    actions.acknowledge_intel(acting_user=w.inside["station_chief"], report=urgent_late)
    assert urgent_late.pk not in set(
        actions.overdue_reports(w.inside["station_chief"]).values_list("pk", flat=True)
    )
    # thresholds are configuration
    Config.objects.filter(pk=1).update(intel_urgent_hours=0, intel_normal_hours=100)
    overdue = set(actions.overdue_reports(w.inside["station_chief"]).values_list("pk", flat=True))
    assert urgent_fresh.pk in overdue and normal_late.pk not in overdue
    # the outside chief sees none of them
    assert not set(actions.overdue_reports(w.outside["station_chief"]).values_list("pk", flat=True)) & {
        urgent_fresh.pk
    }


def test_bad_report_input(client, w):
    client.force_login(w.inside["beat_officer"])
    before = IntelReport.objects.count()
    r = client.post(
        "/api/v1/intel-reports", {"kind": "aliens", "urgency": "now", "text": "", "lat": 25.0, "lon": 121.5},
        content_type="application/json", HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"kind", "urgency", "text", "lat"}
    assert IntelReport.objects.count() == before


def test_only_police_officers_of_the_station_can_be_assigned(client, w):
    """A community partner (里長) has a profile in the station but is no officer: not offered, refused."""
    chief = w.inside["station_chief"]
    report = actions.file_intel(
        acting_user=w.inside["beat_officer"], data={"kind": "fraud", "urgency": "normal", "text": "可疑車手"}
    )
    offered = set(actions.assignable_officers(report).values_list("username", flat=True))
    assert w.inside["beat_officer"].username in offered
    assert w.inside["community_partner"].username not in offered
    client.force_login(chief)
    page = client.get(f"/visits/intel/{report.pk}/")
    choices = [value for value, _label in page.context["assign"].fields["assigned_to"].choices]
    assert w.inside["community_partner"].username not in choices
    with pytest.raises(ValidationError) as exc:
        actions.assign_intel(acting_user=chief, report=report, officer=w.inside["community_partner"])
    assert "assigned_to" in exc.value.message_dict
