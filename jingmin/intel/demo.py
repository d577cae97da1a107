"""Demo intelligence reports of the demo beat, one in each state of the routing (fictitious)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from jingmin.audit import log as audit
from jingmin.intel.models import IntelKind, IntelReport, IntelStatus, Urgency
from jingmin.people.models import Kind, Person
from jingmin.places.models import Place

AFTER = ("org", "places", "people", "visits")


def load(world):
    units = world.units
    if IntelReport.objects.filter(is_demo=True).exists() or "beat1" not in units:
        return False
    beat = units["beat1"]
    persons = list(Person.objects.filter(is_demo=True, unit=beat, kind=Kind.CONCERN).order_by("pk")[:1])
    places = list(Place.objects.filter(is_demo=True, unit=beat).order_by("pk")[:1])
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="demo-")}
    count = _reports(units, users, persons, places)
    audit.record("intel.load_demo", obj=("intel.demo", "tainan"), extra={"reports": count})
    return True


def _reports(units, users, persons, places):
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
    return len(rows)
