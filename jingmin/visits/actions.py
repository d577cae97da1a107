"""Every write of the visits app: visits and household registration notices. Validated, scoped,
audited (one event per write), atomic."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jingmin.audit import log as audit
from jingmin.org import roles
from jingmin.org.dates import past_time, to_roc
from jingmin.org.models import Unit
from jingmin.org.scoping import in_scope
from jingmin.people.models import Person
from jingmin.places.models import Place
from jingmin.visits.models import (
    Config,
    Method,
    Plan,
    PlanStatus,
    RegistrationNotice,
    RegistrationStatus,
    Visit,
)

MAX_VISIT_MINUTES = 480


def find_subject(model, value):
    """A person or place given as a record or its id (None when there is none); not scoped."""
    if value in (None, "") or isinstance(value, model):
        return value or None
    try:
        return model.objects.select_related("unit").filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None


# --- visits -----------------------------------------------------------------------------------


def validate_visit(user, data):
    errors = {}
    person = find_subject(Person, data.get("person"))
    place = find_subject(Place, data.get("place"))
    if data.get("person") not in (None, "") and person is None:
        errors["person"] = [_("Unknown person.")]
    if data.get("place") not in (None, "") and place is None:
        errors["place"] = [_("Unknown place.")]
    if not errors and (person is None) == (place is None):
        errors["person"] = [_("Choose one person or one place.")]
    subject = person or place
    if subject is not None and not errors:
        # out of the caller's sight answers exactly like missing (no oracle); a person the caller may see
        # but who is visited by another beat is named as such
        if person is not None and (
            person.purged_at or not Person.objects.visible_to(user).filter(pk=person.pk).exists()
        ):
            errors["person"] = [_("Unknown person.")]
        elif person is not None and not in_scope(user, person.unit):
            errors["person"] = [_("This person is outside your beat.")]
        elif place is not None and not in_scope(user, place.unit):
            errors["place"] = [_("Unknown place.")]
    method = data.get("method") or Method.ONSITE
    if method not in Method.values:
        errors["method"] = [_("Unknown method: %(method)s") % {"method": method}]
    when = past_time(data.get("visited_at"), "visited_at", errors)
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
    roles.require(acting_user, "visits.log")
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


def station_of(unit):
    """The station a report from ``unit`` is routed to (the unit itself above station level)."""
    node = unit
    while node is not None and node.kind == Unit.Kind.BEAT:
        node = node.parent
    return node or unit


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
    roles.require(acting_user, "visits.send_registration_notice")
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
