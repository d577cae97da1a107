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


def test_a_listed_reason_works_with_the_other_box_left_empty(client, w):
    """The prompt sends the chosen radio and the (empty) free-text box together: the choice counts."""
    officer = Officer.objects.get(user__username="demo-beat")
    client.force_login(w.inside["station_chief"])
    shown = client.get(f"/org/officers/{officer.pk}/?reason=beat-visit&reason_other=")
    assert shown.status_code == 200 and officer.phone in shown.content.decode()
    assert "勤區查察" in AuditEvent.objects.last().reason
    typed = client.get(f"/org/officers/{officer.pk}/?reason=beat-visit&reason_other=案件456")
    assert typed.status_code == 200 and AuditEvent.objects.last().reason == "案件456"
    blank = client.get(f"/org/officers/{officer.pk}/?reason_other=")
    assert blank.status_code == 403 and officer.phone not in blank.content.decode()


def test_permission_is_checked_before_the_prompt(client, w):
    """A role that may not read the record is refused at once, not after giving a reason."""
    officer = Officer.objects.get(user__username="demo-beat")
    before = AuditEvent.objects.count()
    client.force_login(w.inside["beat_officer"])
    refused = client.get(f"/org/officers/{officer.pk}/")
    assert refused.status_code == 403 and "查詢事由" not in refused.content.decode()
    client.force_login(w.outside["station_chief"])
    missing = client.get(f"/org/officers/{officer.pk}/")
    assert missing.status_code == 404 and "查詢事由" not in missing.content.decode()
    client.force_login(w.inside["community_partner"])
    from jingmin.people.testing import make_person

    person = make_person(w.inside["beat_officer"], w.beat)
    partner = client.get(f"/people/{person.pk}/")
    assert partner.status_code == 403 and "查詢事由" not in partner.content.decode()
    assert AuditEvent.objects.filter(action__endswith="view_person").count() == 0
    assert AuditEvent.objects.count() >= before
