"""Retention: when the window closes the person leaves the lists and is anonymised by the purge."""

import datetime as dt

from django.core.management import call_command

from jingmin.audit.models import AuditEvent
from jingmin.people import retention
from jingmin.people.models import Person
from jingmin.people.testing import make_person
from jingmin.people.window import add_years


def test_closed_window_leaves_the_lists_and_is_purged(client, w):
    officer = w.inside["beat_officer"]
    person = make_person(officer, w.beat, sentence_end="2024-01-10")
    assert person.window_end == dt.date(2027, 1, 10)
    client.force_login(officer)
    assert client.get(f"/api/v1/persons?q={person.name}").json()["count"] == 1
    after = add_years(dt.date(2024, 1, 10), 3)
    assert not Person.objects.listed(after).filter(pk=person.pk).exists()
    assert Person.objects.listed(after - dt.timedelta(days=1)).filter(pk=person.pk).exists()
    assert retention.queue_closed_windows(after) >= 1
    events = AuditEvent.objects.count()
    assert retention.purge(after) >= 1
    assert AuditEvent.objects.count() == events + 1
    person.refresh_from_db()
    assert (
        person.purged_at
        and person.national_id == ""
        and person.national_id_index == ""
        and "（" in person.name
    )
    assert person.village_id  # statistics kept


def test_command_and_task(w):
    make_person(w.inside["beat_officer"], w.beat, sentence_end="2019-01-10")
    call_command("purge_people", "--dry-run", stdout=open("/dev/null", "w"))
    assert Person.objects.window_closed(dt.date.today()).exists()
    call_command("purge_people", stdout=open("/dev/null", "w"))
    assert not Person.objects.window_closed(dt.date.today()).exists()
    from jingmin.people.tasks import purge_expired_persons

    assert purge_expired_persons.call() == {"queued": 0, "purged": 0}
