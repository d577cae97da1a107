"""The visits demo (with the intel and people demo data it brings): places, persons, a year of visits (some overdue), every intel state, a search."""

from django.core.management import call_command
from django.utils import timezone

from jingmin.intel.models import IntelReport, IntelStatus
from jingmin.people.models import Person, SearchRequest, SearchStatus
from jingmin.places.models import Place
from jingmin.visits.models import Plan, RegistrationNotice, RegistrationStatus, Visit


def counts():
    return (Place.objects.count(), Person.objects.count(), Visit.objects.count(), Plan.objects.count(),
            IntelReport.objects.count(), SearchRequest.objects.count(), RegistrationNotice.objects.count(),
            Visit.objects.filter(minutes__isnull=False).count())  # fmt: skip


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


def test_demo_visit_minutes_and_hours_this_month(client, w):
    demo = Visit.objects.filter(is_demo=True)
    assert demo.filter(minutes__isnull=False).count() > demo.filter(minutes__isnull=True).count() > 0
    assert not demo.filter(minutes__gt=480).exists() and not demo.filter(minutes__lt=1).exists()
    client.force_login(w.inside["station_chief"])
    data = client.get("/api/v1/visits/hours").json()
    rows = {r["officer"]: r for r in data["results"]}
    # one demo beat officer above the monthly figure, the other below it
    assert rows["demo-beat"]["visits"] > 0 and rows["demo-beat"]["below_target"] is False
    assert 0 < rows["demo-beat2"]["minutes"] < data["target_hours"] * 60
    assert rows["demo-beat2"]["below_target"] is True
    html = client.get("/visits/today/").content.decode()
    assert 'id="visit-hours"' in html and "未達基準" in html
    # a community group meeting announced in writing at least the configured days before
    meeting = Visit.objects.get(is_demo=True, method="group", unit=w.beat)
    assert (
        meeting.notice_given_on
        and (timezone.localtime(meeting.visited_at).date() - meeting.notice_given_on).days >= 3
    )


def test_demo_registration_notices(client, w):
    notices = RegistrationNotice.objects.filter(is_demo=True)
    statuses = list(notices.values_list("status", flat=True))
    assert len(statuses) >= 4
    assert RegistrationStatus.SENT in statuses and RegistrationStatus.OPEN in statuses
    assert all("虛構" in d for d in notices.values_list("details", flat=True))
    assert not notices.filter(status=RegistrationStatus.SENT, sent_by__isnull=True).exists()
    assert all(n.visit.is_demo and n.office.endswith("戶政事務所") for n in notices)
    client.force_login(w.inside["station_chief"])
    html = client.get("/visits/registration-notices/").content.decode()
    assert html.count("/visits/registration-notices/") >= len(statuses)
    assert client.get("/visits/today/").context["registration_open"] >= 1
