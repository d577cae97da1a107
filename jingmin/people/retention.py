"""Retention: a security-concern person whose visit window has closed leaves the registers and is
queued for anonymisation; the purge keeps the statistics (kind, category, village) and drops the
personal data (name, ID number, phone, addresses, notes, exact point)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingmin.audit import log as audit
from jingmin.people.models import Person
from jingmin.people.signals import persons_purged


@transaction.atomic
def queue_closed_windows(today=None):
    """Mark persons whose window closed (they leave the lists); returns how many were queued."""
    today = today or timezone.localdate()
    queued = Person.objects.window_closed(today).filter(retention_queued_at__isnull=True)
    ids = list(queued.values_list("pk", flat=True))
    if ids:
        Person.objects.filter(pk__in=ids).update(
            retention_queued_at=timezone.now(), updated_at=timezone.now()
        )
        audit.record("people.retention_queued", obj=("people.person", "batch"), extra={"persons": ids})
    return len(ids)


@transaction.atomic
def purge(today=None, dry_run=False):
    """Anonymise every person whose window has closed; returns the number anonymised."""
    today = today or timezone.localdate()
    persons = list(Person.objects.window_closed(today).select_related("village"))
    if dry_run or not persons:
        return len(persons)
    now = timezone.now()
    for p in persons:
        p.name = _("(anonymised)")
        p.national_id_enc = ""
        p.national_id_index = ""
        p.phone_enc = ""
        p.birth_date = None
        p.registered_address = ""
        p.actual_address = ""
        p.notes = ""
        p.offence = ""
        p.household = None
        p.lat = p.village.centroid_lat
        p.lon = p.village.centroid_lon
        p.purged_at = now
        p.retention_queued_at = p.retention_queued_at or now
        p.updated_at = now
    Person.objects.bulk_update(
        persons,
        [
            "name", "national_id_enc", "national_id_index", "phone_enc", "birth_date", "registered_address",
            "actual_address", "notes", "offence", "household", "lat", "lon", "purged_at", "retention_queued_at", "updated_at",
        ],
    )  # fmt: skip
    persons_purged.send(sender=Person, persons=persons)
    audit.record("people.purge", obj=("people.person", "batch"), extra={"persons": [p.pk for p in persons]})
    return len(persons)
