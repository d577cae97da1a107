"""Strategy-1 demo: places, households and persons over Tainan's real villages, a year of visits (some
overdue) with the minutes spent, visits this month by the demo beat officers, household registration
notices (勤區訪查通報單, some sent), intelligence reports in every state, a whereabouts-unknown case. All
fictitious.

Idempotent: when demo places exist, they are not loaded again; the minutes, this month's visits and the
registration notices are added once (also to a demo loaded before they existed).
"""

import datetime as dt

import numpy as np
from django.contrib.auth import get_user_model
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Mod
from django.db.models.lookups import Exact
from django.utils import timezone

from jingmin.audit import log as audit
from jingmin.org.models import Village
from jingmin.people.demo import make_people, make_searches
from jingmin.people.models import Kind, Person
from jingmin.people.window import add_months, period_of
from jingmin.places.demo import make_places, village_shapes
from jingmin.places.models import Place
from jingmin.visits.models import (
    Method,
    Plan,
    PlanStatus,
    RegistrationNotice,
    RegistrationStatus,
    Rule,
    Subject,
    Visit,
)

SEED = 20261129


AFTER = ("org", "places", "people")


def load(world):
    units = world.units
    if Place.objects.filter(is_demo=True).exists():
        extras = _hours_and_registration(units)
        if extras:
            audit.record("visits.load_demo", obj=("visits.demo", "tainan"), extra=extras)
        return bool(extras)
    rng = np.random.default_rng(SEED)
    today = timezone.localdate()
    villages = list(Village.objects.select_related("district", "beat").order_by("code"))
    focus = [v for v in villages if v.beat_id in (units["beat1"].pk, units["beat2"].pk)]
    shapes = village_shapes(villages)
    places = make_places(rng, villages, focus, shapes)
    persons = make_people(rng, villages, focus, shapes, today)
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="demo-")}
    visits = _history(rng, persons, places, units, users, today)
    make_searches(units, users, persons)
    extras = _hours_and_registration(units) or {}
    audit.record(
        "visits.load_demo",
        obj=("visits.demo", "tainan"),
        extra={"places": len(places), "persons": len(persons), "visits": visits, **extras},
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


# --- visit minutes, this month's visits, household registration notices (勤區訪查通報單) ----------------

# visit hours this month each demo beat officer reaches: the first above the monthly figure, the second below
MONTH_MINUTES = {"beat1": 17 * 60, "beat2": 9 * 60}

REGISTRATION_DETAILS = [
    "戶籍登記 2 人，實際另有 3 名租屋學生居住，未辦遷入登記。（虛構）",
    "戶籍登記之戶長已搬離逾一年，現由親友居住。（虛構）",
    "實際居住者 4 人，其中 2 人戶籍設於他縣市。（虛構）",
    "店面後方隔間供 5 名員工住宿，均未設籍。（虛構）",
    "戶籍登記 6 人，實際僅 1 人居住，其餘去向不明。（虛構）",
]


def _hours_and_registration(units):
    """Runs once (guarded by the demo registration notices): minutes spent on the demo visits (some left
    empty: counted as the configured minutes per visit), visits this month by the demo beat officers so
    the chief's visit-hours figure has data, and a few registration notices, the older ones sent."""
    if RegistrationNotice.objects.filter(is_demo=True).exists():
        return None
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="demo-")}
    if not {"demo-beat", "demo-beat2", "demo-chief"} <= set(users):
        return None
    rng = np.random.default_rng(SEED + 1)
    remote = [Method.PHONE, Method.CARD]
    minutes = Visit.objects.filter(is_demo=True, minutes__isnull=True).update(
        minutes=Case(
            When(Exact(Mod(F("id"), 5), 0), then=Value(None)),
            When(method__in=remote, then=5 + Mod(F("id"), 3) * 5),
            default=15 + Mod(F("id"), 7) * 5,
            output_field=IntegerField(),
        )
    )
    month = _this_month(rng, units, users)
    notices = _registration_notices(units, users)
    return {"visit_minutes": minutes, "visits_this_month": month, "registration_notices": notices}


def _this_month(rng, units, users):
    """Visits since the first of the month, each with its minutes, until the beat's figure is reached:
    half of the subjects due in the current period (never the overdue ones, which stay on the day page),
    then households of the general population (一般人口, visited without a schedule)."""
    now = timezone.now()
    start = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    latest = max(start, now - dt.timedelta(minutes=30))
    today = timezone.localdate()
    made = 0
    for key, officer in (("beat1", users["demo-beat"]), ("beat2", users["demo-beat2"])):
        beat = units[key]
        plans = list(
            Plan.objects.filter(unit=beat, status=PlanStatus.OPEN)
            .select_related("person", "place")
            .order_by("due_date", "id")
        )
        overdue = {(p.person_id, p.place_id) for p in plans if p.due_date < today}
        current = [p for p in plans if p.period_start <= today <= p.due_date]
        current = [p for p in current if (p.person_id, p.place_id) not in overdue]
        others = Person.objects.filter(
            unit=beat, kind__in=[Kind.GENERAL, Kind.CONTACT], is_demo=True, purged_at__isnull=True
        ).order_by("kind", "id")  # community contacts first
        others = [(p, None, None) for p in others[:50]]
        subjects = [(p.person, p.place, p) for p in current[: len(current) // 2]] + others * 8
        total, visits, done = 0, [], []
        for number, (person, place, plan) in enumerate(subjects):
            if total >= MONTH_MINUTES[key]:
                break
            days = (latest.date() - start.date()).days
            day = start.date() + dt.timedelta(days=int(rng.integers(0, days + 1)))
            visit = Visit(
                unit=beat,
                officer=officer,
                person=person,
                place=place,
                visited_at=max(start, min(_at(day, rng), latest)),
                method=Method.ONSITE,
                met="本人" if person else "負責人",
                observations="示範紀錄：本月查訪，生活作息正常。（虛構）",
                minutes=int(rng.choice([30, 45, 60, 60, 90])),
                is_demo=True,
            )
            if key == "beat1" and number == len(subjects) - len(others) * 8 and person.kind == Kind.CONTACT:
                # a community group meeting (座談會), announced in writing five days before
                visit.method, visit.minutes = Method.GROUP, 120
                visit.met = "里長、守望相助隊員及里民 15 人"
                visit.observations = "社區治安座談會：宣導防詐騙與住宅防竊。（虛構）"
                visit.notice_given_on = timezone.localtime(visit.visited_at).date() - dt.timedelta(days=5)
            visits.append(visit)
            if plan is not None:
                plan.status, plan._visit = PlanStatus.DONE, visit
                done.append(plan)
            total += visit.minutes
        Visit.objects.bulk_create(visits)
        for plan in done:
            plan.visit = plan._visit
        Plan.objects.bulk_update(done, ["status", "visit"])
        for visit in visits:
            if visit.place_id:
                Place.objects.filter(pk=visit.place_id, last_visited_at__lt=visit.visited_at).update(
                    last_visited_at=visit.visited_at
                )
        made += len(visits)
    return made


def _registration_notices(units, users):
    """Five notices from person visits of the demo beats in the last three months: the three older
    ones sent by the station chief, the two newest waiting."""
    from jingmin.visits.actions import registration_office, station_of

    since = timezone.now() - dt.timedelta(days=90)
    picked = []
    for key, n in (("beat1", 3), ("beat2", 2)):
        qs = (
            Visit.objects.filter(
                is_demo=True, unit=units[key], person__isnull=False, visited_at__gte=since,
                person__village__isnull=False, registration_notice__isnull=True,
            )
            .exclude(method__in=[Method.PHONE, Method.CARD])
            .select_related("person", "person__village__district", "officer", "unit")
            .order_by("visited_at", "id")
        )  # fmt: skip
        rows = list(qs)
        step = max(1, len(rows) // n) if rows else 1
        picked += rows[::step][:n]
    picked.sort(key=lambda v: (v.visited_at, v.pk))
    chief = users["demo-chief"]
    for number, visit in enumerate(picked):
        person = visit.person
        sent = number < len(picked) - 2
        RegistrationNotice.objects.create(
            unit=visit.unit,
            station=station_of(visit.unit),
            visit=visit,
            officer=visit.officer,
            person=person,
            village=person.village,
            address=person.registered_address or person.actual_address,
            office=registration_office(person.village),
            details=REGISTRATION_DETAILS[number % len(REGISTRATION_DETAILS)],
            created_at=visit.visited_at,
            status=RegistrationStatus.SENT if sent else RegistrationStatus.OPEN,
            sent_at=min(visit.visited_at + dt.timedelta(days=2), timezone.now()) if sent else None,
            sent_by=chief if sent else None,
            is_demo=True,
        )
    return len(picked)
