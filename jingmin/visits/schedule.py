"""Visit plans: generated idempotently from the rules, and the due list ("my beat today")."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from jingmin.audit import log as audit
from jingmin.people.models import Kind, Person
from jingmin.people.window import period_of
from jingmin.places.models import Place
from jingmin.visits.models import Plan, PlanStatus, Rule, Subject


def _rules():
    person = {}
    place = {}
    for rule in Rule.objects.filter(active=True):
        if rule.subject == Subject.PERSON and rule.person_category_id:
            person[rule.person_category_id] = rule.interval_months
        elif rule.subject == Subject.PLACE and rule.place_risk:
            place[rule.place_risk] = rule.interval_months
    return person, place


@transaction.atomic
def generate(today=None, units=None):
    """Create the plan of the current period for every subject that needs one. Idempotent: the unique
    constraints (subject, period) and the existence check mean a second run creates nothing."""
    today = today or timezone.localdate()
    person_rules, place_rules = _rules()
    persons = (
        Person.objects.listed(today)
        .filter(category_id__in=list(person_rules), whereabouts_unknown=False)
        .exclude(kind=Kind.GENERAL)
        .exclude(kind=Kind.CONCERN, window_start__gt=today)
        .exclude(kind=Kind.CONCERN, window_start__isnull=True)
        .values_list("pk", "unit_id", "category_id")
    )
    places = Place.objects.filter(active=True, risk__in=list(place_rules)).values_list(
        "pk", "unit_id", "risk"
    )
    if units is not None:
        persons = persons.filter(unit__in=units)
        places = places.filter(unit__in=units)
    wanted = []
    for pk, unit_id, category_id in persons:
        start, end = period_of(today, person_rules[category_id])
        wanted.append(Plan(person_id=pk, unit_id=unit_id, period_start=start, due_date=end))
    for pk, unit_id, risk in places:
        start, end = period_of(today, place_rules[risk])
        wanted.append(Plan(place_id=pk, unit_id=unit_id, period_start=start, due_date=end))
    starts = {p.period_start for p in wanted}
    existing = set(
        Plan.objects.filter(period_start__in=starts).values_list("person_id", "place_id", "period_start")
    )
    new = [p for p in wanted if (p.person_id, p.place_id, p.period_start) not in existing]
    Plan.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    if new:
        audit.record(
            "visits.generate_schedule",
            obj=("visits.plan", today.isoformat()),
            extra={"created": len(new), "day": today.isoformat()},
        )
    return len(new)


@dataclass
class DueItem:
    plan: Plan
    subject: object
    kind: str  # "person" or "place"
    overdue: bool
    missed: int = 0  # earlier periods still open
    plans: list = field(default_factory=list)

    @property
    def lat(self):
        return self.subject.lat

    @property
    def lon(self):
        return self.subject.lon


def due_plans(user, today=None):
    """Open plans of the user's jurisdiction whose period has begun (scoped with visible_to)."""
    today = today or timezone.localdate()
    return (
        Plan.objects.visible_to(user)
        .filter(status=PlanStatus.OPEN, period_start__lte=today)
        .exclude(person__whereabouts_unknown=True)
        .exclude(person__purged_at__isnull=False)
        .select_related("person", "person__category", "place", "place__category", "unit")
        .only(
            "id",
            "due_date",
            "period_start",
            "status",
            "person_id",
            "place_id",
            "unit__code",
            "unit__name",
            "person__name",
            "person__lat",
            "person__lon",
            "person__kind",
            "person__category__name",
            "person__category__name_en",
            "place__name",
            "place__lat",
            "place__lon",
            "place__risk",
            "place__category__name",
            "place__category__name_en",
        )  # fmt: skip
        .order_by("due_date", "id")
    )


def due_list(user, today=None, limit=None):
    """One item per subject (the oldest open plan first), overdue ones first."""
    today = today or timezone.localdate()
    items = {}
    for plan in due_plans(user, today):
        key = ("person", plan.person_id) if plan.person_id else ("place", plan.place_id)
        item = items.get(key)
        if item is None:
            items[key] = DueItem(plan, plan.subject, key[0], plan.due_date < today, plans=[plan])
        else:
            item.missed += 1
            item.plans.append(plan)
    result = sorted(items.values(), key=lambda i: (not i.overdue, i.plan.due_date, i.kind, i.subject.pk))
    return result[:limit] if limit else result
