"""Schedule generation: idempotent (no duplicates when run twice a day); a visit closes the plan."""

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from jingmin.audit.models import AuditEvent
from jingmin.people.testing import make_person
from jingmin.places.testing import make_place
from jingmin.visits import schedule
from jingmin.visits.actions import log_visit
from jingmin.visits.models import Config, Plan, PlanStatus


def test_generation_is_idempotent(w):
    person = make_person(w.inside["beat_officer"], w.beat)
    place = make_place(w.inside["station_chief"], w.beat)
    today = timezone.localdate()
    first = schedule.generate(today)
    assert first > 0
    events = AuditEvent.objects.count()
    plans = Plan.objects.count()
    assert schedule.generate(today) == 0
    call_command("visit_plans", stdout=open("/dev/null", "w"))
    assert Plan.objects.count() == plans
    assert AuditEvent.objects.count() == events  # nothing written, nothing audited
    assert Plan.objects.filter(person=person).count() == 1
    assert Plan.objects.filter(place=place).count() == 1
    # the next month's run adds exactly one more monthly plan
    nxt = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    schedule.generate(nxt)
    schedule.generate(nxt)
    assert Plan.objects.filter(person=person).count() == 2


def test_closed_window_and_unknown_whereabouts_get_no_plan(w):
    officer = w.inside["beat_officer"]
    old = make_person(officer, w.beat, sentence_end="2019-01-01")
    assert old.window_end < timezone.localdate()
    general = make_person(officer, w.beat, kind="general", category="", national_id="")
    schedule.generate()
    assert not Plan.objects.filter(person__in=[old, general]).exists()


def test_a_visit_closes_the_plan_and_leaves_the_due_list(client, w):
    Config.objects.filter(pk=1).update(day_start=dt.time(0, 0), day_end=dt.time(23, 59, 59))
    officer = w.inside["beat_officer"]
    person = make_person(officer, w.beat)
    schedule.generate()
    client.force_login(officer)
    due = client.get("/api/v1/visits/due").json()
    assert person.pk in [r["id"] for r in due["results"] if r["subject"] == "person"]
    log_visit(acting_user=officer, data={"person": person.pk, "visited_at": timezone.now(), "met": "本人"})
    assert Plan.objects.get(person=person).status == PlanStatus.DONE
    due = client.get("/api/v1/visits/due").json()
    assert person.pk not in [r["id"] for r in due["results"] if r["subject"] == "person"]
