"""Opening a person's record asks for the reason and audits it; supervisors see who viewed it."""

from jingmin.audit.models import AuditEvent
from jingmin.people.testing import make_person


def test_page_asks_for_a_reason_then_audits(client, w):
    person = make_person(w.inside["beat_officer"], w.beat)
    client.force_login(w.inside["beat_officer"])
    before = AuditEvent.objects.count()
    r = client.get(f"/people/{person.pk}/")
    assert r.status_code == 200 and "查詢事由" in r.content.decode()
    assert person.name not in r.content.decode()
    assert AuditEvent.objects.count() == before
    r = client.get(f"/people/{person.pk}/?reason=beat-visit")
    assert r.status_code == 200 and person.name in r.content.decode()
    event = AuditEvent.objects.last()
    assert (event.action, event.object_id, event.actor_name) == (
        "people.view_person",
        str(person.pk),
        "demo-beat",
    )
    assert event.reason
    # the beat officer does not see the viewers list; the chief does
    assert r.context["viewers"] is None
    client.force_login(w.inside["station_chief"])
    r = client.get(f"/people/{person.pk}/?reason=supervision")
    assert "demo-beat" in [e.actor_name for e in r.context["viewers"]]


def test_api_requires_a_reason(client, w):
    person = make_person(w.inside["beat_officer"], w.beat)
    client.force_login(w.inside["station_chief"])
    before = AuditEvent.objects.count()
    r = client.get(f"/api/v1/persons/{person.pk}", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    assert client.get(f"/api/v1/persons/{person.pk}?reason=x").status_code == 422  # too short
    assert AuditEvent.objects.count() == before
    r = client.get(f"/api/v1/persons/{person.pk}?reason=案件偵辦 2026-123")
    assert r.status_code == 200 and r.json()["national_id"] == person.national_id
    assert AuditEvent.objects.last().reason == "案件偵辦 2026-123"
    # missing and out-of-scope look the same
    client.force_login(w.outside["station_chief"])
    assert client.get(f"/api/v1/persons/{person.pk}?reason=supervision").status_code == 404
    assert client.get("/api/v1/persons/999999?reason=supervision").status_code == 404
