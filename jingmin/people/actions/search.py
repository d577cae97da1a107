"""協尋: a security-concern person whose whereabouts are unknown (行方不明) is searched for by the whole
city. Every write here is validated, scoped, audited (one event per write) and atomic."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingmin.audit import log as audit
from jingmin.geo.locate import locate_values
from jingmin.org import roles
from jingmin.org.dates import past_time
from jingmin.org.models import Unit
from jingmin.org.scoping import in_scope, user_unit
from jingmin.people.actions.notices import send_notice
from jingmin.people.models import NoticeKind, Person, SearchRequest, SearchStatus
from jingmin.people.signals import person_moved


def bureau_of(unit):
    code = unit.path.strip("/").split("/")[0]
    return Unit.objects.get(code=code)


@transaction.atomic
def open_search(*, acting_user, person, note="", demo=False, at=None):
    """Whereabouts unknown (行方不明): flag the person and ask the bureau for a city-wide search."""
    roles.require(acting_user, "search.open")
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
    roles.require(acting_user, "search.report_found")
    if not SearchRequest.objects.visible_to(acting_user).filter(pk=search.pk).exists():
        raise PermissionDenied(_("This search request is outside your jurisdiction."))
    errors = {}
    if search.status != SearchStatus.OPEN:
        errors["status"] = [_("This search is already closed.")]
    when = past_time(data.get("found_at"), "found_at", errors)
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
    send_notice(
        unit=person.registered_unit,
        from_unit=finder_unit,
        kind=NoticeKind.FOUND,
        person=person,
        search_request=search,
        text=_("%(name)s was found at %(where)s by %(unit)s.")
        % {"name": person.name, "where": where, "unit": finder_unit.name if finder_unit else "-"},
    )
    old_unit = person.unit
    if lives_there and unit is not None and unit != person.unit:
        person.unit = unit
        person.village = village
        person.lat, person.lon = lat, lon
        person.actual_address = where
        fields += ["unit", "village", "lat", "lon", "actual_address"]
        send_notice(
            unit=unit,
            from_unit=person.registered_unit,
            kind=NoticeKind.RESIDENCE,
            person=person,
            search_request=search,
            text=_("%(name)s lives in your jurisdiction (found at %(where)s); please visit monthly.")
            % {"name": person.name, "where": where},
        )
    person.save(update_fields=fields)
    if person.unit != old_unit:
        person_moved.send(sender=Person, person=person, old_unit=old_unit)
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
    roles.require(acting_user, "search.open")
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
