"""Every write of the visits app: visits, intelligence reports, search requests. Validated, scoped,
audited (one event per write), atomic."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jingmin.audit import log as audit
from jingmin.geo.locate import locate_values
from jingmin.org import roles
from jingmin.org.dates import to_roc
from jingmin.org.models import Unit
from jingmin.org.scoping import in_scope, user_unit
from jingmin.people.models import Person
from jingmin.places.models import Place
from jingmin.visits.models import (
    Config,
    ForwardTo,
    IntelKind,
    IntelReport,
    IntelStatus,
    Method,
    Notice,
    NoticeKind,
    Plan,
    PlanStatus,
    RegistrationNotice,
    RegistrationStatus,
    SearchRequest,
    SearchStatus,
    Urgency,
    Visit,
)

FUTURE_SLACK = dt.timedelta(minutes=5)
MAX_VISIT_MINUTES = 480


def require(user, capability):
    if not roles.can(user, capability):
        raise PermissionDenied(_("You do not have permission to do this."))


def _when(value, field, errors, required=True):
    if value in (None, ""):
        if required:
            errors[field] = [_("This field is required.")]
        return None
    if isinstance(value, dt.datetime):
        when = value
    else:
        when = parse_datetime(str(value))
        if when is None:
            errors[field] = [_("Enter a valid date and time.")]
            return None
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if when > timezone.now() + FUTURE_SLACK:
        errors[field] = [_("This time is in the future.")]
        return None
    return when


def _subject(model, value):
    if value in (None, "") or isinstance(value, model):
        return value or None
    try:
        return model.objects.select_related("unit").filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None


# --- visits -----------------------------------------------------------------------------------


def validate_visit(user, data):
    errors = {}
    person = _subject(Person, data.get("person"))
    place = _subject(Place, data.get("place"))
    if data.get("person") not in (None, "") and person is None:
        errors["person"] = [_("Unknown person.")]
    if data.get("place") not in (None, "") and place is None:
        errors["place"] = [_("Unknown place.")]
    if not errors and (person is None) == (place is None):
        errors["person"] = [_("Choose one person or one place.")]
    subject = person or place
    if subject is not None and not errors:
        if person is not None and (
            person.purged_at or not Person.objects.visible_to(user).filter(pk=person.pk).exists()
        ):
            errors["person"] = [_("This person is outside your beat.")]
        elif person is not None and not in_scope(user, person.unit):
            errors["person"] = [_("This person is outside your beat.")]
        elif place is not None and not in_scope(user, place.unit):
            errors["place"] = [_("This place is outside your beat.")]
    method = data.get("method") or Method.ONSITE
    if method not in Method.values:
        errors["method"] = [_("Unknown method: %(method)s") % {"method": method}]
    when = _when(data.get("visited_at"), "visited_at", errors)
    arranged = bool(data.get("arranged"))
    config = Config.get()
    if when is not None and method in (Method.ONSITE, Method.JOINT, Method.GROUP):
        if not config.is_daytime(when) and not arranged:
            errors["visited_at"] = [
                _(
                    "Visits are made in daytime (%(start)s–%(end)s) unless the time was arranged with the "
                    "person; tick “arranged” if it was."
                )
                % {"start": config.day_start.strftime("%H:%M"), "end": config.day_end.strftime("%H:%M")}
            ]
    notice_given_on = _group_notice(data.get("notice_given_on"), method, when, config, errors)
    minutes = data.get("minutes")
    if minutes in (None, ""):
        minutes = None
    else:
        try:
            minutes = int(str(minutes).strip())
        except ValueError:
            minutes = -1
        if not 1 <= minutes <= MAX_VISIT_MINUTES:
            errors["minutes"] = [_("Give the minutes spent, from 1 to %(max)s.") % {"max": MAX_VISIT_MINUTES}]
    mismatch = bool(data.get("registration_mismatch"))
    details = (data.get("registration_details") or "").strip()
    if mismatch and not details:
        errors["registration_details"] = [
            _("Say who lives there and how it differs from the household registration.")
        ]
    if errors:
        raise ValidationError(errors)
    return {
        "registration_mismatch": mismatch,
        "registration_details": details[:4000] if mismatch else "",
        "minutes": minutes,
        "person": person,
        "place": place,
        "visited_at": when,
        "method": method,
        "met": (data.get("met") or "").strip()[:200],
        "observations": (data.get("observations") or "").strip(),
        "indicators_seen": bool(data.get("indicators_seen")),
        "arranged": arranged,
        "notice_given_on": notice_given_on,
    }


def _group_notice(value, method, when, config, errors):
    """A group meeting (座談會) needs written notice given at least ``Config.group_notice_days`` days
    before the meeting day (DOMAIN.md: ≥ 3 days). Other methods ignore the field."""
    if method != Method.GROUP:
        return None
    field = "notice_given_on"
    if value in (None, ""):
        errors[field] = [_("A group meeting needs the date the written notice was given.")]
        return None
    if isinstance(value, dt.datetime):
        given = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    elif isinstance(value, dt.date):
        given = value
    else:
        try:
            given = parse_date(str(value).strip())
        except ValueError:
            given = None
        if given is None:
            errors[field] = [_("Enter a valid date.")]
            return None
    if when is None:
        return given
    day = timezone.localtime(when).date()
    days = config.group_notice_days
    if given > day:
        errors[field] = [_("The written notice cannot be given after the meeting.")]
    elif (day - given).days < days:
        errors[field] = [
            ngettext(
                "The written notice of a group meeting must be given at least %(n)s day before it "
                "(on %(latest)s at the latest).",
                "The written notice of a group meeting must be given at least %(n)s days before it "
                "(on %(latest)s at the latest).",
                days,
            )
            % {"n": days, "latest": to_roc(day - dt.timedelta(days=days))}
        ]
    return given


@transaction.atomic
def log_visit(*, acting_user, data, demo=False):
    """Record a visit and close the subject's open plans whose period has begun by then."""
    require(acting_user, "visits.log")
    values = validate_visit(acting_user, data)
    mismatch = values.pop("registration_mismatch")
    details = values.pop("registration_details")
    subject = values["person"] or values["place"]
    visit = Visit.objects.create(unit=subject.unit, officer=acting_user, is_demo=demo, **values)
    notice = _registration_notice(visit, subject, details, demo) if mismatch else None
    day = timezone.localtime(visit.visited_at).date()
    plans = Plan.objects.filter(status=PlanStatus.OPEN, period_start__lte=day)
    plans = plans.filter(person=values["person"]) if values["person"] else plans.filter(place=values["place"])
    closed = []
    for plan in plans:
        plan.status = PlanStatus.DONE if plan.due_date >= day else PlanStatus.LATE
        plan.visit = visit
        closed.append(plan)
    Plan.objects.bulk_update(closed, ["status", "visit"])
    if values["place"] is not None:
        Place.objects.filter(pk=values["place"].pk).update(
            last_visited_at=visit.visited_at, updated_at=timezone.now()
        )
    audit.record(
        "visits.log",
        actor=acting_user,
        obj=visit,
        unit=visit.unit,
        extra={
            "subject": "person" if values["person"] else "place",
            "subject_id": subject.pk,
            "method": visit.method,
            "plans_closed": [p.pk for p in closed],
            "registration_notice": notice.pk if notice else None,
            "notice_given_on": visit.notice_given_on.isoformat() if visit.notice_given_on else None,
        },
    )
    return visit


def registration_office(village):
    """The household registration office (戶政事務所) of a village's district."""
    return f"{village.district.name}戶政事務所"


def _registration_notice(visit, subject, details, demo):
    """勤區訪查通報單: the visit found residents who do not match the household registration."""
    person = visit.person
    if person is not None:
        address = person.registered_address or person.actual_address
    else:
        address = visit.place.address
    village = subject.village
    return RegistrationNotice.objects.create(
        unit=visit.unit,
        station=station_of(visit.unit),
        visit=visit,
        officer=visit.officer,
        person=person,
        place=visit.place,
        village=village,
        address=address,
        office=registration_office(village),
        details=details,
        created_at=visit.visited_at,
        is_demo=demo,
    )


@transaction.atomic
def send_registration_notice(*, acting_user, notice, at=None):
    """The station chief sends the notice to the household registration office."""
    require(acting_user, "visits.send_registration_notice")
    if not RegistrationNotice.objects.visible_to(acting_user).filter(pk=notice.pk).exists() or not in_scope(
        acting_user, notice.station
    ):
        raise PermissionDenied(_("This notice is outside your jurisdiction."))
    notice = RegistrationNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != RegistrationStatus.OPEN:
        raise ValidationError({"status": _("This notice has already been sent.")})
    notice.status = RegistrationStatus.SENT
    notice.sent_at = at or timezone.now()
    notice.sent_by = acting_user
    notice.save(update_fields=["status", "sent_at", "sent_by"])
    audit.record(
        "visits.registration_notice_sent",
        actor=acting_user,
        obj=notice,
        unit=notice.unit,
        extra={"office": notice.office, "visit": notice.visit_id},
    )
    return notice


# --- intelligence reports ---------------------------------------------------------------------


def station_of(unit):
    """The station a report from ``unit`` is routed to (the unit itself above station level)."""
    node = unit
    while node is not None and node.kind == Unit.Kind.BEAT:
        node = node.parent
    return node or unit


@transaction.atomic
def file_intel(*, acting_user, data, demo=False, filed_at=None):
    require(acting_user, "intel.file")
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
    person = _subject(Person, data.get("person"))
    if data.get("person") not in (None, "") and (
        person is None or not Person.objects.visible_to(acting_user).filter(pk=person.pk).exists()
    ):
        errors["person"] = [_("Unknown person.")]
    place = _subject(Place, data.get("place"))
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
    require(user, "intel.handle")
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


@transaction.atomic
def assign_intel(*, acting_user, report, officer, at=None):
    _handle(acting_user, report)
    _transition(report, {IntelStatus.SUBMITTED, IntelStatus.ACKNOWLEDGED}, _("assigned"))
    if not isinstance(officer, get_user_model()):
        officer = get_user_model().objects.filter(username=officer).first()
    officer_unit = user_unit(officer) if officer is not None else None
    if officer_unit is None or not officer_unit.path.startswith(report.station.path):
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


# --- search requests (協尋) --------------------------------------------------------------------


def bureau_of(unit):
    code = unit.path.strip("/").split("/")[0]
    return Unit.objects.get(code=code)


@transaction.atomic
def open_search(*, acting_user, person, note="", demo=False, at=None):
    """Whereabouts unknown (行方不明): flag the person and ask the bureau for a city-wide search."""
    require(acting_user, "search.open")
    if not Person.objects.visible_to(acting_user).filter(pk=person.pk).exists() or not (
        in_scope(acting_user, person.unit) or in_scope(acting_user, person.registered_unit)
    ):
        raise PermissionDenied(_("This person is outside your jurisdiction."))
    if (
        person.whereabouts_unknown
        or SearchRequest.objects.filter(person=person, status=SearchStatus.OPEN).exists()
    ):
        raise ValidationError({"person": _("A search for this person is already open.")})
    unit = user_unit(acting_user) or person.registered_unit
    search = SearchRequest.objects.create(
        unit=bureau_of(person.registered_unit),
        person=person,
        opened_unit=unit,
        opened_by=acting_user,
        opened_at=at or timezone.now(),
        note=(note or "").strip(),
        is_demo=demo,
    )
    Person.objects.filter(pk=person.pk).update(whereabouts_unknown=True, updated_at=timezone.now())
    person.whereabouts_unknown = True
    audit.record(
        "search.open", actor=acting_user, obj=search, unit=search.opened_unit, extra={"person": person.pk}
    )
    return search


@transaction.atomic
def report_found(*, acting_user, search, data):
    """Any officer of the city who meets the person reports where, when and by whom; the registered-
    address unit is notified, and when the person lives there, that unit takes over the visits."""
    require(acting_user, "search.report_found")
    if not SearchRequest.objects.visible_to(acting_user).filter(pk=search.pk).exists():
        raise PermissionDenied(_("This search request is outside your jurisdiction."))
    errors = {}
    if search.status != SearchStatus.OPEN:
        errors["status"] = [_("This search is already closed.")]
    when = _when(data.get("found_at"), "found_at", errors)
    if when is not None and when < search.opened_at:
        errors["found_at"] = [_("The person cannot be found before the search was opened.")]
    where = (data.get("found_where") or "").strip()
    if not where:
        errors["found_where"] = [_("This field is required.")]
    lives_there = bool(data.get("lives_there"))
    village = unit = lat = lon = None
    if data.get("lat") not in (None, "") or data.get("lon") not in (None, "") or lives_there:
        try:
            village, unit, lat, lon = locate_values(data.get("lat"), data.get("lon"))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    finder_unit = user_unit(acting_user) or unit
    search.status = SearchStatus.FOUND
    search.found_at = when
    search.found_by = acting_user
    search.found_unit = finder_unit
    search.found_where = where
    search.found_lat, search.found_lon = lat, lon
    search.lives_there = lives_there
    search.closed_at = timezone.now()
    search.save()
    person = search.person
    person.whereabouts_unknown = False
    fields = ["whereabouts_unknown", "updated_at"]
    Notice.objects.create(
        unit=person.registered_unit,
        from_unit=finder_unit,
        kind=NoticeKind.FOUND,
        person=person,
        search_request=search,
        text=_("%(name)s was found at %(where)s by %(unit)s.")
        % {"name": person.name, "where": where, "unit": finder_unit.name if finder_unit else "-"},
    )
    if lives_there and unit is not None and unit != person.unit:
        person.unit = unit
        person.village = village
        person.lat, person.lon = lat, lon
        person.actual_address = where
        fields += ["unit", "village", "lat", "lon", "actual_address"]
        person.visit_plans.filter(status=PlanStatus.OPEN).update(unit=unit)
        Notice.objects.create(
            unit=unit,
            from_unit=person.registered_unit,
            kind=NoticeKind.RESIDENCE,
            person=person,
            search_request=search,
            text=_("%(name)s lives in your jurisdiction (found at %(where)s); please visit monthly.")
            % {"name": person.name, "where": where},
        )
    person.save(update_fields=fields)
    audit.record(
        "search.found",
        actor=acting_user,
        obj=search,
        unit=finder_unit,
        extra={"person": person.pk, "lives_there": lives_there, "visiting_unit": person.unit.code},
    )
    return search


@transaction.atomic
def withdraw_search(*, acting_user, search, reason=""):
    require(acting_user, "search.open")
    if not in_scope(acting_user, search.opened_unit) and not in_scope(
        acting_user, search.person.registered_unit
    ):
        raise PermissionDenied(_("This search request is outside your jurisdiction."))
    if search.status != SearchStatus.OPEN:
        raise ValidationError({"status": _("This search is already closed.")})
    search.status = SearchStatus.CANCELLED
    search.closed_at = timezone.now()
    search.save()
    Person.objects.filter(pk=search.person_id).update(whereabouts_unknown=False, updated_at=timezone.now())
    audit.record("search.withdraw", actor=acting_user, obj=search, unit=search.opened_unit, reason=reason)
    return search


# --- notices ----------------------------------------------------------------------------------


@transaction.atomic
def mark_notice_read(*, acting_user, notice):
    """Mark a notice to the user's unit (or a unit below it) read. Marking it again changes nothing and
    writes no audit event."""
    require(acting_user, "visits.view")
    if not Notice.objects.visible_to(acting_user).filter(pk=notice.pk).exists():
        raise PermissionDenied(_("This notice is outside your jurisdiction."))
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.read_at is not None:
        return notice
    notice.read_at = timezone.now()
    notice.read_by = acting_user
    notice.save(update_fields=["read_at", "read_by"])
    audit.record(
        "visits.notice_read",
        actor=acting_user,
        obj=notice,
        unit=notice.unit,
        extra={"kind": notice.kind, "person": notice.person_id},
    )
    return notice
