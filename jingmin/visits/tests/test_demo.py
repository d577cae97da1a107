"""The strategy-1 demo: places, persons, a year of visits (some overdue), every intel state, a search."""

from django.core.management import call_command

from jingmin.people.models import Person
from jingmin.places.models import Place
from jingmin.visits.models import IntelReport, IntelStatus, Plan, SearchRequest, SearchStatus, Visit


def counts():
    return (Place.objects.count(), Person.objects.count(), Visit.objects.count(), Plan.objects.count(),
            IntelReport.objects.count(), SearchRequest.objects.count())  # fmt: skip


def test_demo_content(w):
    assert Place.objects.filter(is_demo=True).count() >= 300
    assert Person.objects.filter(is_demo=True).count() >= 300
    assert Place.objects.filter(unit=w.beat).exists() and Person.objects.filter(unit=w.beat).exists()
    assert set(IntelReport.objects.filter(is_demo=True).values_list("status", flat=True)) == set(
        IntelStatus.values
    )
    assert SearchRequest.objects.filter(status=SearchStatus.OPEN, person__unit=w.beat).exists()
    assert Person.objects.filter(is_demo=True, parole_revoked_on__isnull=False).exists()
    assert Visit.objects.filter(unit=w.beat).dates("visited_at", "month").count() >= 10
    assert all("虛構" in name for name in Person.objects.filter(is_demo=True).values_list("name", flat=True))


def test_demo_twice_changes_nothing(w):
    before = counts()
    call_command("demo", demo=True, stdout=open("/dev/null", "w"))
    assert counts() == before


def test_demo_beat_has_overdue_visits(client, w):
    client.force_login(w.inside["beat_officer"])
    due = client.get("/api/v1/visits/due").json()
    assert due["count"] > 0 and any(r["overdue"] for r in due["results"])
