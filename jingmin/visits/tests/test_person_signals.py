"""Visits follow what the people app announces: a person who moves to another beat takes their open
visit plans along (done plans stay where they were made); a purged person's open plans are cancelled."""

import datetime as dt

from django.utils import timezone

from jingmin.people import actions as people_actions
from jingmin.people import retention
from jingmin.people.models import Notice, NoticeKind
from jingmin.people.testing import make_person
from jingmin.test import point_in
from jingmin.visits import schedule
from jingmin.visits.models import Plan, PlanStatus


def test_open_plans_follow_the_person_to_the_new_beat(w):
    chief = w.inside["station_chief"]
    person = make_person(chief, w.beat)
    schedule.generate()
    open_plan = Plan.objects.get(person=person, status=PlanStatus.OPEN)
    done = Plan.objects.create(
        unit=w.beat, person=person, period_start=open_plan.period_start - dt.timedelta(days=40),
        due_date=open_plan.period_start - dt.timedelta(days=10), status=PlanStatus.DONE,
    )  # fmt: skip
    lat, lon = point_in(w.beat2)
    people_actions.update_person(acting_user=chief, person=person, data={"lat": lat, "lon": lon})
    open_plan.refresh_from_db()
    done.refresh_from_db()
    assert open_plan.unit == w.beat2
    assert done.unit == w.beat
    assert Notice.objects.filter(unit=w.beat2, kind=NoticeKind.RESIDENCE, person=person).exists()


def test_an_edit_that_keeps_the_beat_leaves_the_plans_alone(w):
    chief = w.inside["station_chief"]
    person = make_person(chief, w.beat)
    schedule.generate()
    people_actions.update_person(acting_user=chief, person=person, data={"notes": "搬家未遂"})
    assert set(Plan.objects.filter(person=person).values_list("unit", flat=True)) == {w.beat.pk}
    assert not Notice.objects.filter(person=person).exists()


def test_purge_cancels_the_open_plans(w):
    person = make_person(w.inside["beat_officer"], w.beat, sentence_end="2024-01-10")
    plan = Plan.objects.create(
        unit=w.beat, person=person, period_start=timezone.localdate().replace(day=1),
        due_date=timezone.localdate(), status=PlanStatus.OPEN,
    )  # fmt: skip
    assert retention.purge(dt.date(2027, 1, 10)) >= 1
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CANCELLED
