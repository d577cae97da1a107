"""The reason prompt (查詢事由) stands before a sensitive record until a reason is given."""

from jingmin.audit.models import AuditEvent
from jingmin.org.models import Officer


def test_prompt_blocks_until_reason(client, w):
    officer = Officer.objects.get(user__username="demo-beat")
    client.force_login(w.inside["station_chief"])
    before = AuditEvent.objects.count()
    prompt = client.get(f"/org/officers/{officer.pk}/")
    assert prompt.status_code == 200
    assert "查詢事由" in prompt.content.decode()
    assert officer.phone not in prompt.content.decode()
    empty = client.get(f"/org/officers/{officer.pk}/?reason=")
    assert empty.status_code == 403 and officer.phone not in empty.content.decode()
    assert AuditEvent.objects.count() == before
    shown = client.get(f"/org/officers/{officer.pk}/?reason=beat-visit")
    assert shown.status_code == 200
    assert officer.phone in shown.content.decode()
    event = AuditEvent.objects.last()
    assert event.action == "org.view_officer" and event.object_id == str(officer.pk)
    assert "勤區查察" in event.reason
    # the record lists who viewed it
    again = client.get(f"/org/officers/{officer.pk}/?reason=案件123")
    assert "demo-chief" in again.content.decode() and "案件123" in again.content.decode()


def test_only_supervisors_inside_jurisdiction(client, w):
    officer = Officer.objects.get(user__username="demo-beat")
    client.force_login(w.inside["beat_officer"])
    assert client.get(f"/org/officers/{officer.pk}/?reason=x1").status_code == 403
    client.force_login(w.outside["station_chief"])
    assert client.get(f"/org/officers/{officer.pk}/?reason=x1").status_code == 404
