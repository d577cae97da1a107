"""Every write of the intel app: intelligence reports (情資通報) filed, acknowledged, assigned,
forwarded and closed. Validated, scoped, audited (one event per write), atomic."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingmin.audit import log as audit
from jingmin.geo.locate import locate_values
from jingmin.intel.models import ForwardTo, IntelKind, IntelReport, IntelStatus, Urgency
from jingmin.org import roles
from jingmin.org.scoping import in_scope, user_unit
from jingmin.people.models import Person
from jingmin.places.models import Place
from jingmin.visits.actions import find_subject, station_of
from jingmin.visits.models import Config, Visit


@transaction.atomic
def file_intel(*, acting_user, data, demo=False, filed_at=None):
    roles.require(acting_user, "intel.file")
    unit = user_unit(acting_user)
    if unit is None:
        raise PermissionDenied(_("You have no unit."))
    errors = {}
    kind = data.get("kind") or ""
    if kind not in IntelKind.values:
        errors["kind"] = [_("Unknown type: %(kind)s") % {"kind": kind or "-"}]
    urgency = data.get("urgency") or Urgency.NORMAL
    if urgency not in Urgency.values:
        errors["urgency"] = [_("Unknown urgency: %(urgency)s") % {"urgency": urgency}]
    text = (data.get("text") or "").strip()
    if not text:
        errors["text"] = [_("This field is required.")]
    person = find_subject(Person, data.get("person"))
    if data.get("person") not in (None, "") and (
        person is None or not Person.objects.visible_to(acting_user).filter(pk=person.pk).exists()
    ):
        errors["person"] = [_("Unknown person.")]
    place = find_subject(Place, data.get("place"))
    if data.get("place") not in (None, "") and (
        place is None or not Place.objects.visible_to(acting_user).filter(pk=place.pk).exists()
    ):
        errors["place"] = [_("Unknown place.")]
    lat = lon = None
    if data.get("lat") not in (None, "") or data.get("lon") not in (None, ""):
        try:
            _village, _unit, lat, lon = locate_values(data.get("lat"), data.get("lon"))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    visit = data.get("visit")
    if visit is not None and not isinstance(visit, Visit):
        visit = Visit.objects.visible_to(acting_user).filter(pk=visit).first()
    if errors:
        raise ValidationError(errors)
    report = IntelReport.objects.create(
        unit=unit,
        station=station_of(unit),
        filed_by=acting_user,
        kind=kind,
        urgency=urgency,
        text=text,
        person=person,
        place=place,
        visit=visit,
        lat=lat,
        lon=lon,
        filed_at=filed_at or timezone.now(),
        is_demo=demo,
    )
    audit.record(
        "intel.file",
        actor=acting_user,
        obj=report,
        unit=unit,
        extra={"kind": kind, "urgency": urgency, "station": report.station.code},
    )
    return report


def _handle(user, report):
    roles.require(user, "intel.handle")
    if not IntelReport.objects.visible_to(user).filter(pk=report.pk).exists() or not in_scope(
        user, report.station
    ):
        raise PermissionDenied(_("This report is outside your jurisdiction."))


def _transition(report, allowed, action_label):
    if report.status not in allowed:
        raise ValidationError(
            {
                "status": _("A report that is %(status)s cannot be %(action)s.")
                % {"status": report.get_status_display(), "action": action_label}
            }
        )


@transaction.atomic
def acknowledge_intel(*, acting_user, report, at=None):
    _handle(acting_user, report)
    _transition(report, {IntelStatus.SUBMITTED}, _("acknowledged"))
    report.status = IntelStatus.ACKNOWLEDGED
    report.acknowledged_at = at or timezone.now()
    report.acknowledged_by = acting_user
    report.save()
    audit.record("intel.acknowledge", actor=acting_user, obj=report, unit=report.unit)
    return report


def assignable_officers(report):
    """The users a report may be assigned to: active police officers of its station (never a community
    partner or liaison, who have a unit too)."""
    from jingmin.org.models import Officer

    police = Officer.objects.police().filter(unit__path__startswith=report.station.path)
    return get_user_model().objects.filter(officer__in=police).order_by("username")


@transaction.atomic
def assign_intel(*, acting_user, report, officer, at=None):
    _handle(acting_user, report)
    _transition(report, {IntelStatus.SUBMITTED, IntelStatus.ACKNOWLEDGED}, _("assigned"))
    if not isinstance(officer, get_user_model()):
        officer = get_user_model().objects.filter(username=officer).first()
    if officer is None or not assignable_officers(report).filter(pk=officer.pk).exists():
        raise ValidationError({"assigned_to": _("Choose an officer of the station.")})
    now = at or timezone.now()
    report.status = IntelStatus.ASSIGNED
    report.acknowledged_at = report.acknowledged_at or now
    report.acknowledged_by = report.acknowledged_by or acting_user
    report.assigned_to = officer
    report.assigned_at = now
    report.save()
    audit.record(
        "intel.assign", actor=acting_user, obj=report, unit=report.unit, extra={"to": officer.get_username()}
    )
    return report


@transaction.atomic
def forward_intel(*, acting_user, report, to, note="", at=None):
    _handle(acting_user, report)
    _transition(
        report, {IntelStatus.SUBMITTED, IntelStatus.ACKNOWLEDGED, IntelStatus.ASSIGNED}, _("forwarded")
    )
    if to not in ForwardTo.values:
        raise ValidationError({"forwarded_to": _("Unknown destination: %(to)s") % {"to": to or "-"}})
    now = at or timezone.now()
    report.status = IntelStatus.FORWARDED
    report.acknowledged_at = report.acknowledged_at or now
    report.acknowledged_by = report.acknowledged_by or acting_user
    report.forwarded_to = to
    report.forwarded_at = now
    if note:
        report.outcome = note
    report.save()
    audit.record("intel.forward", actor=acting_user, obj=report, unit=report.unit, extra={"to": to})
    return report


@transaction.atomic
def close_intel(*, acting_user, report, outcome="", at=None):
    _handle(acting_user, report)
    _transition(report, {IntelStatus.ACKNOWLEDGED, IntelStatus.ASSIGNED, IntelStatus.FORWARDED}, _("closed"))
    if not (outcome or "").strip():
        raise ValidationError({"outcome": _("Say how the report was dealt with.")})
    report.status = IntelStatus.CLOSED
    report.closed_at = at or timezone.now()
    report.outcome = outcome.strip()
    report.save()
    audit.record("intel.close", actor=acting_user, obj=report, unit=report.unit)
    return report


def overdue_reports(user, now=None):
    """Unacknowledged reports past their threshold (urgent 2 h, normal 3 days by default)."""
    now = now or timezone.now()
    config = Config.get()
    qs = IntelReport.objects.visible_to(user).filter(status=IntelStatus.SUBMITTED)
    urgent = qs.filter(
        urgency=Urgency.URGENT, filed_at__lte=now - dt.timedelta(hours=config.intel_urgent_hours)
    )
    normal = qs.filter(
        urgency=Urgency.NORMAL, filed_at__lte=now - dt.timedelta(hours=config.intel_normal_hours)
    )
    return (urgent | normal).select_related("unit", "filed_by")
