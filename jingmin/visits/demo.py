"""Strategy-1 demo: places, households and persons over Tainan's real villages, a year of visits (some
overdue), intelligence reports in every state, a whereabouts-unknown case. All fictitious.

Idempotent: when demo places exist, nothing is loaded again.
"""

import datetime as dt

import numpy as np
from django.contrib.auth import get_user_model
from django.utils import timezone

from jingmin.audit import log as audit
from jingmin.org.models import Unit, Village
from jingmin.people.demo import make_people
from jingmin.people.models import Kind, Person
from jingmin.people.window import add_months, period_of
from jingmin.places.demo import make_places, village_shapes
from jingmin.places.models import Place
from jingmin.visits.models import (
    IntelKind,
    IntelReport,
    IntelStatus,
    Method,
    Plan,
    PlanStatus,
    Rule,
    SearchRequest,
    SearchStatus,
    Subject,
    Urgency,
    Visit,
)

SEED = 20261129


def ensure_defaults():
    """Seed categories, visit rules and settings when missing (a flushed test database has none)."""
    from importlib import import_module

    from django.apps import apps

    from jingmin.people.models import Category as PersonCategory
    from jingmin.places.models import Category as PlaceCategory
    from jingmin.visits.models import Config

    if not PlaceCategory.objects.exists():
        import_module("jingmin.places.migrations.0002_seed_categories").seed(apps, None)
    if not PersonCategory.objects.exists():
        import_module("jingmin.people.migrations.0002_seed_categories").seed(apps, None)
    if not Rule.objects.exists() or not Config.objects.exists():
        import_module("jingmin.visits.migrations.0002_seed_rules").seed(apps, None)


def load(units, stdout=None):
    ensure_defaults()
    if Place.objects.filter(is_demo=True).exists():
        return False
    rng = np.random.default_rng(SEED)
    today = timezone.localdate()
    villages = list(Village.objects.select_related("district", "beat").order_by("code"))
    focus = [v for v in villages if v.beat_id in (units["beat1"].pk, units["beat2"].pk)]
    shapes = village_shapes(villages)
    places = make_places(rng, villages, focus, shapes)
    persons = make_people(rng, villages, focus, shapes, today)
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="demo-")}
    visits = _history(rng, persons, places, units, users, today)
    _intel(units, users, persons, places)
    _search(units, users, persons)
    audit.record(
        "visits.load_demo",
        obj=("visits.demo", "tainan"),
        extra={"places": len(places), "persons": len(persons), "visits": visits},
    )
    return True


def _officer_for(unit, units, users):
    if unit.pk == units["beat1"].pk:
        return users["demo-beat"]
    if unit.pk == units["beat2"].pk:
        return users["demo-beat2"]
    if unit.path.startswith(units["precinct"].path):
        return users["demo-precinct"]
    return users["demo-admin"]


def _at(day, rng):
    hour, minute = int(rng.integers(9, 17)), int(rng.integers(0, 60))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _history(rng, persons, places, units, users, today):
    """A year of periods per subject: most visited in time, some late, last period sometimes missed."""
    person_rules = dict(
        Rule.objects.filter(subject=Subject.PERSON, active=True).values_list(
            "person_category_id", "interval_months"
        )
    )
    place_rules = dict(
        Rule.objects.filter(subject=Subject.PLACE, active=True).values_list("place_risk", "interval_months")
    )
    subjects = [(p, person_rules.get(p.category_id)) for p in persons if p.kind != Kind.GENERAL]
    subjects += [(p, place_rules.get(p.risk)) for p in places]
    visits, plans = [], []
    focus = {units["beat1"].pk, units["beat2"].pk}
    for subject, months in subjects:
        if not months:
            continue
        is_person = isinstance(subject, Person)
        officer = _officer_for(subject.unit, units, users)
        # a year of history in the demo precinct, the last quarter elsewhere (keeps the demo quick)
        back = 12 if subject.unit.path.startswith(units["precinct"].path) else 3
        start = add_months(period_of(today, months)[0], -back)
        while start <= today:
            first, last = period_of(start, months)
            start = add_months(first, months)
            if (
                is_person
                and subject.kind == Kind.CONCERN
                and not (subject.window_start <= last and first < subject.window_end)
            ):
                continue
            current = first <= today <= last
            missed = current or (
                last >= add_months(today, -months)
                and rng.random() < (0.5 if subject.unit_id in focus else 0.2)
            )
            plan = Plan(
                unit=subject.unit,
                person=subject if is_person else None,
                place=None if is_person else subject,
                period_start=first,
                due_date=last,
            )
            if missed:
                plan.status = PlanStatus.OPEN
            else:
                late = rng.random() < 0.1
                day = (
                    last + dt.timedelta(days=int(rng.integers(1, 10)))
                    if late
                    else first + dt.timedelta(days=int(rng.integers(0, (last - first).days + 1)))
                )
                day = min(day, today - dt.timedelta(days=1))
                visit = Visit(
                    unit=subject.unit,
                    officer=officer,
                    person=subject if is_person else None,
                    place=None if is_person else subject,
                    visited_at=_at(day, rng),
                    method=str(
                        rng.choice([Method.ONSITE, Method.ONSITE, Method.ONSITE, Method.JOINT, Method.PHONE])
                    ),
                    met="本人" if is_person else "負責人",
                    observations="示範紀錄：生活作息正常，無異狀。（虛構）",
                    indicators_seen=bool(rng.random() < 0.05),
                    is_demo=True,
                )
                visits.append(visit)
                plan.status = PlanStatus.LATE if day > last else PlanStatus.DONE
                plan._visit = visit
            plans.append(plan)
    Visit.objects.bulk_create(visits, batch_size=1000)
    for plan in plans:
        visit = getattr(plan, "_visit", None)
        if visit is not None:
            plan.visit = visit
    Plan.objects.bulk_create(plans, batch_size=1000)
    last_visit = {}
    for v in visits:
        if v.place_id and (v.place_id not in last_visit or v.visited_at > last_visit[v.place_id]):
            last_visit[v.place_id] = v.visited_at
    for p in places:
        p.last_visited_at = last_visit.get(p.pk)
    Place.objects.bulk_update(places, ["last_visited_at"], batch_size=1000)
    return len(visits)


def _intel(units, users, persons, places):
    beat_officer = users["demo-beat"]
    chief = users["demo-chief"]
    station = units["station"]
    now = timezone.now()
    person = next((p for p in persons if p.unit_id == units["beat1"].pk and p.kind == Kind.CONCERN), None)
    place = next((p for p in places if p.unit_id == units["beat1"].pk), None)
    rows = [
        # kind, urgency, hours ago, status, text
        (
            IntelKind.DRUGS,
            Urgency.URGENT,
            5,
            IntelStatus.SUBMITTED,
            "深夜有多名陌生人進出出租套房，疑似施用毒品。（虛構）",
        ),
        (IntelKind.GAMBLING, Urgency.NORMAL, 100, IntelStatus.SUBMITTED, "里民反映棋牌社疑似聚賭。（虛構）"),
        (
            IntelKind.FRAUD,
            Urgency.NORMAL,
            3,
            IntelStatus.SUBMITTED,
            "長者接到自稱檢察官電話，要求匯款。（虛構）",
        ),
        (IntelKind.VIOLENCE, Urgency.URGENT, 30, IntelStatus.ACKNOWLEDGED, "鄰居聽見爭吵與摔物聲。（虛構）"),
        (IntelKind.GANGS, Urgency.NORMAL, 60, IntelStatus.ASSIGNED, "廟會期間有陣頭人員聚集滋事。（虛構）"),
        (
            IntelKind.WELFARE,
            Urgency.NORMAL,
            80,
            IntelStatus.FORWARDED,
            "獨居長者疑似失智，家中環境髒亂。（虛構）",
        ),
        (IntelKind.OTHER, Urgency.NORMAL, 300, IntelStatus.CLOSED, "空屋遭人侵入居住。（虛構）"),
    ]
    for kind, urgency, hours, status, text in rows:
        filed = now - dt.timedelta(hours=hours)
        report = IntelReport(
            unit=units["beat1"],
            station=station,
            filed_by=beat_officer,
            kind=kind,
            urgency=urgency,
            text=text,
            person=person if kind in (IntelKind.DRUGS, IntelKind.VIOLENCE) else None,
            place=place if kind in (IntelKind.GAMBLING, IntelKind.OTHER) else None,
            status=status,
            filed_at=filed,
            is_demo=True,
        )
        if status != IntelStatus.SUBMITTED:
            report.acknowledged_at = filed + dt.timedelta(minutes=40)
            report.acknowledged_by = chief
        if status == IntelStatus.ASSIGNED:
            report.assigned_to = users["demo-beat2"]
            report.assigned_at = filed + dt.timedelta(hours=1)
        if status == IntelStatus.FORWARDED:
            report.forwarded_to = "social"
            report.forwarded_at = filed + dt.timedelta(hours=2)
        if status == IntelStatus.CLOSED:
            report.forwarded_to = "investigation"
            report.forwarded_at = filed + dt.timedelta(hours=3)
            report.closed_at = filed + dt.timedelta(days=5)
            report.outcome = "已會同房東處理，侵入者離去。（虛構）"
        report.save()


def _search(units, users, persons):
    """One open search (whereabouts unknown) from the demo beat, one closed: found in another precinct."""
    beat_persons = [p for p in persons if p.unit_id == units["beat1"].pk and p.kind == Kind.CONCERN]
    if len(beat_persons) < 2:
        return
    now = timezone.now()
    missing, found = beat_persons[-1], beat_persons[-2]
    SearchRequest.objects.create(
        unit=units["bureau"],
        person=missing,
        opened_unit=units["beat1"],
        opened_by=users["demo-beat"],
        opened_at=now - dt.timedelta(days=12),
        note="連續兩個月查訪未遇，家屬表示已搬離，去向不明。（虛構）",
        is_demo=True,
    )
    Person.objects.filter(pk=missing.pk).update(whereabouts_unknown=True)
    other = Unit.objects.filter(code="TNPD-P01-S01").first()
    SearchRequest.objects.create(
        unit=units["bureau"],
        person=found,
        opened_unit=units["beat1"],
        opened_by=users["demo-beat"],
        opened_at=now - dt.timedelta(days=60),
        status=SearchStatus.FOUND,
        found_at=now - dt.timedelta(days=45),
        found_by=users["demo-admin"],
        found_unit=other or units["bureau"],
        found_where="中西區臨檢時發現（虛構）",
        closed_at=now - dt.timedelta(days=45),
        is_demo=True,
    )
