"""Notices to a unit about a person (住居所通報, 協尋尋獲): created and marked read only here."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingmin.audit import log as audit
from jingmin.org import roles
from jingmin.people.models import Notice, NoticeKind


def send_notice(*, unit, kind, person, text, from_unit=None, search_request=None):
    """A notice to ``unit``; part of the write that caused it: call it inside that write's transaction,
    whose audit event covers it (it records none of its own)."""
    if kind not in NoticeKind.values:
        raise ValueError(f"unknown notice kind: {kind}")
    return Notice.objects.create(
        unit=unit, from_unit=from_unit, kind=kind, person=person, search_request=search_request, text=text
    )


def residence_notice(person):
    """The person lives outside the registering beat: notify the unit where they actually live."""
    if person.unit_id == person.registered_unit_id:
        return None
    return send_notice(
        unit=person.unit,
        from_unit=person.registered_unit,
        kind=NoticeKind.RESIDENCE,
        person=person,
        text=_("%(name)s is registered in %(unit)s and lives in your jurisdiction; please visit.")
        % {"name": person.name, "unit": person.registered_unit.name},
    )


@transaction.atomic
def mark_notice_read(*, acting_user, notice):
    """Mark a notice to the user's unit (or a unit below it) read. Marking it again changes nothing and
    writes no audit event."""
    roles.require(acting_user, "visits.view")
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
