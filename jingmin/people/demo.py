"""Demo households and persons: fictitious names and (checksum-valid, made-up) ID numbers."""

import datetime as dt

from django.utils import timezone

from jingmin.geo.locate import unit_for_village
from jingmin.geo.sampling import STREETS, random_point
from jingmin.org.models import Unit
from jingmin.people import national_id
from jingmin.people.models import Category, Household, Kind, Person, SearchRequest, SearchStatus
from jingmin.people.window import add_months, visit_window

SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周"
GIVEN = ["志明", "春嬌", "建宏", "淑芬", "家豪", "美玲", "俊傑", "雅婷", "冠宇", "怡君", "承翰", "佩珊"]


def fake_id(rng, used, letter="D"):
    while True:
        prefix = letter + str(int(rng.choice([1, 2]))) + "".join(str(int(d)) for d in rng.integers(0, 10, 7))
        value = prefix + national_id.check_digit(prefix)
        if value not in used:
            used.add(value)
            return value


def make_people(rng, villages, focus, shapes, today, count=300):
    """Households and persons; the ``focus`` villages (demo beats) get a full register each."""
    categories = {}
    for c in Category.objects.filter(active=True):
        categories.setdefault(c.kind, []).append(c)
    chosen = [villages[i] for i in rng.integers(0, len(villages), count)]
    for v in focus:
        chosen += [v] * 12
    households = []
    for n, village in enumerate(chosen, start=1):
        lat, lon = random_point(rng, shapes[village.pk])
        households.append(
            Household(
                unit=unit_for_village(village),
                village=village,
                address=f"臺南市{village.district.name}{village.name}{STREETS[n % len(STREETS)]}{n}號",
                lat=lat,
                lon=lon,
                notes="示範資料，純屬虛構。",
                is_demo=True,
            )
        )
    households = Household.objects.bulk_create(households)
    used = set()
    persons = []
    kinds = [Kind.CONCERN] * 5 + [Kind.NOTES] * 2 + [Kind.CONTACT] * 2 + [Kind.GENERAL] * 3
    for n, household in enumerate(households, start=1):
        kind = kinds[n % len(kinds)]
        category = None
        if kind != Kind.GENERAL:
            options = categories[kind]
            category = options[int(rng.integers(0, len(options)))]
        name = (
            SURNAMES[int(rng.integers(0, len(SURNAMES)))]
            + GIVEN[int(rng.integers(0, len(GIVEN)))]
            + "（虛構）"
        )
        person = Person(
            unit=household.unit,
            registered_unit=household.unit,
            kind=kind,
            category=category,
            household=household,
            name=name,
            birth_date=dt.date(
                1960 + int(rng.integers(0, 40)), int(rng.integers(1, 13)), int(rng.integers(1, 28))
            ),
            registered_address=household.address,
            actual_address=household.address,
            village=household.village,
            lat=household.lat,
            lon=household.lon,
            notes="示範資料，純屬虛構。",
            is_demo=True,
        )
        person.set_national_id(fake_id(rng, used))
        person.set_phone(f"09{int(rng.integers(10, 99))}-000-{n:03d}")
        if kind == Kind.CONCERN:
            person.offence = f"{category.name}（虛構案例）"
            released = add_months(today, -int(rng.integers(1, 34)))
            if n % 45 == 0:  # window already closed: left the lists, waiting for the retention purge
                released = add_months(today, -40)
            if n % 7 == 0:  # parole revoked: the window runs from the end of the sentence
                person.parole_release = add_months(released, -18)
                person.parole_revoked_on = add_months(released, -12)
                person.sentence_end = released
            elif n % 3 == 0:
                person.parole_release = released
                person.sentence_end = add_months(released, 14)
            else:
                person.sentence_end = released
            window = visit_window(
                sentence_end=person.sentence_end,
                parole_release=person.parole_release,
                parole_revoked_on=person.parole_revoked_on,
            )
            person.window_start, person.window_end = window.start, window.end
        persons.append(person)
    return Person.objects.bulk_create(persons)


def make_searches(units, users, persons):
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
