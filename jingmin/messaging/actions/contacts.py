"""Contacts: e-mail addresses added by hand; naming, placing and tagging groups and friends;
removal at a resident's request."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from jingmin.audit import log as audit
from jingmin.messaging import campaigns, delivery
from jingmin.messaging.models import Contact
from jingmin.org import roles


@transaction.atomic
def add_contact(
    *, acting_user, channel, kind, address, name="", unit=None, village=None, tags=(), member_count=1
):
    """Add a contact by hand (e-mail addresses; LINE groups and friends arrive by webhook)."""
    roles.require(acting_user, "messaging.manage_contacts", unit=channel.unit)
    unit = unit or channel.unit
    if not unit.path.startswith(channel.unit.path):
        raise ValidationError(
            {"unit": _("The contact must belong to the channel's station or one of its beats.")}
        )
    address = (address or "").strip()
    if not address:
        raise ValidationError({"address": _("This field is required.")})
    if kind == Contact.Kind.EMAIL:
        try:
            validate_email(address)
        except ValidationError as exc:
            raise ValidationError({"address": exc.messages}) from exc
        address = address.lower()
    contact, created = Contact.objects.get_or_create(
        channel=channel,
        address_hash=Contact.hash_address(address),
        defaults={
            "kind": kind,
            "address": address,
            "name": name,
            "unit": unit,
            "village": village,
            "member_count": member_count,
        },
    )
    if not created:
        raise ValidationError({"address": _("This contact is already registered.")})
    contact.tags.set(tags)
    audit.record("messaging.add_contact", actor=acting_user, obj=contact, unit=unit, extra={"kind": kind})
    return contact


@transaction.atomic
def update_contact(*, acting_user, contact, name, unit, village=None, tags=(), partners=()):
    """Name and tag a group or friend, place it in a beat and village, name its community partners."""
    roles.require(acting_user, "messaging.manage_contacts", unit=contact.unit)
    station = campaigns.station_of(contact.channel.unit)
    if not unit.path.startswith(station.path):
        raise ValidationError(
            {"unit": _("The contact must belong to the channel's station or one of its beats.")}
        )
    roles.require(acting_user, "messaging.manage_contacts", unit=unit)
    contact.name = name.strip()[:120]
    contact.unit = unit
    contact.village = village
    contact.save()
    contact.tags.set(tags)
    if contact.kind in (Contact.Kind.GROUP, Contact.Kind.ROOM):
        contact.partners.set(partners)
    audit.record(
        "messaging.update_contact",
        actor=acting_user,
        obj=contact,
        unit=unit,
        extra={
            "name": contact.name,
            "tags": sorted(t.code for t in tags),
            "village": village.code if village else None,
            "partners": sorted(p.pk for p in partners),
        },
    )
    return contact


@transaction.atomic
def remove_contact_at_request(*, acting_user=None, contact, via="station"):
    """A resident asked to be removed: forget their LINE ID / address and cancel what is still queued.

    The delivery rows stay (who was sent what, anonymised); the blind index stays so the removal
    can be recognised; a new follow is a new consent and starts afresh.
    """
    if acting_user is not None:
        roles.require(acting_user, "messaging.manage_contacts", unit=contact.unit)
    delivery.cancel_open(contact, _("removed at the resident's request"))
    contact.address = ""
    contact.name = ""
    contact.display_name = ""
    contact.profile_checked_at = None
    contact.status = Contact.Status.REMOVED
    contact.village = None
    contact.save()
    contact.tags.clear()
    contact.partners.clear()
    audit.record(
        "messaging.remove_contact", actor=acting_user, obj=contact, unit=contact.unit, extra={"via": via}
    )
    return contact
