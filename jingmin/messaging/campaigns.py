"""Campaign content and audiences: validation, the LINE messages, who is reached, what it costs.

Everything here reads; writes live in :mod:`jingmin.messaging.actions`.
"""

import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from jingmin.messaging import quota
from jingmin.messaging.models import Channel, Contact, Dispatch
from jingmin.messaging.transports.line import (
    MAX_MULTICAST_RECIPIENTS,
    MAX_TEXT_LENGTH,
    MAX_URL_LENGTH,
    batches,
    text_length,
)
from jingmin.org.models import Unit

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png"}  # what LINE accepts for image messages
PREVIEW_SIZE = (240, 240)


def compose_text(text, link):
    """The text message: the text, then the link on its own line."""
    text = (text or "").strip()
    link = (link or "").strip()
    if link:
        return f"{text}\n{link}" if text else link
    return text


def validate_content(*, text, link="", image=None, image_alt=""):
    """Refuse what LINE would refuse, with a reason in the user's language (ValidationError by field)."""
    errors = {}
    body = compose_text(text, link)
    if not body and not image:
        errors["text"] = _("The message is empty: write a text or attach an image.")
    elif body and text_length(body) > MAX_TEXT_LENGTH:
        errors["text"] = _(
            "The message is %(n)s characters long (with the link); LINE allows at most %(max)s."
        ) % {"n": text_length(body), "max": MAX_TEXT_LENGTH}
    if link and len(link) > 1000:
        errors["link"] = _("The link is too long (at most 1000 characters).")
    if image is not None:
        try:
            check_image(image)
        except ValidationError as exc:
            errors["image"] = exc.messages
        if not (image_alt or "").strip():
            errors["image_alt"] = _(
                "Describe the image in a few words (alt text) for readers who cannot see it."
            )
    if errors:
        raise ValidationError(errors)


def check_image(upload):
    """A JPEG or PNG no larger than LINE's 10 MB limit (configurable); returns the Pillow format."""
    from PIL import Image, UnidentifiedImageError

    limit = settings.MESSAGING["MAX_IMAGE_BYTES"]
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size > limit:
        raise ValidationError(
            _("The image is %(mb).1f MB; at most %(max).0f MB can be sent.")
            % {"mb": size / 1024 / 1024, "max": limit / 1024 / 1024}
        )
    upload.seek(0)
    try:
        with Image.open(upload) as img:
            fmt = img.format
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("The file is not an image: attach a JPEG or PNG picture."))
    finally:
        upload.seek(0)
    if fmt not in IMAGE_FORMATS:
        raise ValidationError(
            _("LINE accepts JPEG and PNG images only (this one is %(fmt)s).") % {"fmt": fmt}
        )
    return fmt


def make_preview(upload):
    """A small JPEG preview (LINE: at most 1 MB) as bytes."""
    from PIL import Image

    upload.seek(0)
    with Image.open(upload) as img:
        img = img.convert("RGB")
        img.thumbnail(PREVIEW_SIZE)
        out = io.BytesIO()
        img.save(out, "JPEG", quality=80)
    upload.seek(0)
    return out.getvalue()


def public_url(file_field):
    name = file_field.name.rsplit("/", 1)[-1]
    return settings.PUBLIC_URL + reverse("messaging:image", args=[name])


def line_messages(campaign):
    """The LINE message objects of a campaign (1 text and/or 1 image)."""
    messages = []
    body = compose_text(campaign.text, campaign.link)
    if body:
        messages.append({"type": "text", "text": body})
    if campaign.image:
        original = public_url(campaign.image)
        preview = public_url(campaign.image_preview) if campaign.image_preview else original
        if len(original) > MAX_URL_LENGTH or not original.startswith("https://"):
            raise ValidationError(
                {
                    "image": _(
                        "Images can only be sent over LINE from an https:// address (set JINGMIN_PUBLIC_URL)."
                    )
                }
            )
        messages.append({"type": "image", "originalContentUrl": original, "previewImageUrl": preview})
    return messages


def email_body(campaign):
    parts = [compose_text(campaign.text, campaign.link)]
    if campaign.image:
        parts.append(f"[{_('Image')}: {campaign.image_alt}] {public_url(campaign.image)}")
    return "\n\n".join(p for p in parts if p)


def message_count(campaign):
    return max(1, len(line_messages(campaign))) if (campaign.text or campaign.link or campaign.image) else 0


# ---------------------------------------------------------------------------- audiences

KIND_CHOICES = [
    (Contact.Kind.GROUP, Contact.Kind.GROUP.label),
    (Contact.Kind.USER, Contact.Kind.USER.label),
    (Contact.Kind.EMAIL, Contact.Kind.EMAIL.label),
]


def resolve_audience(campaign, user):
    """The active contacts a campaign reaches, within what ``user`` may see (deny by default).

    Within a dimension (units, tags, villages) choices are alternatives; across dimensions they
    narrow: "beat A or beat B" and "village chiefs" and "開元里".
    """
    contacts = Contact.objects.visible_to(user, "messaging.send").filter(
        status=Contact.Status.ACTIVE, channel__is_active=True
    )
    if campaign.pk is None:
        return contacts.none()
    kinds = list(campaign.audience_kinds or [])
    if kinds:
        if Contact.Kind.GROUP in kinds:
            kinds.append(Contact.Kind.ROOM)
        contacts = contacts.filter(kind__in=kinds)
    units = list(campaign.audience_units.all())
    if units:
        q = Q()
        for unit in units:
            q |= Q(unit__path__startswith=unit.path)
        contacts = contacts.filter(q)
    tag_ids = list(campaign.audience_tags.values_list("pk", flat=True))
    if tag_ids:
        contacts = contacts.filter(tags__in=tag_ids)
    village_ids = list(campaign.audience_villages.values_list("pk", flat=True))
    if village_ids:
        contacts = contacts.filter(village__in=village_ids)
    chosen = list(campaign.audience_contacts.values_list("pk", flat=True))
    if chosen:
        contacts = contacts.filter(pk__in=chosen)
    return contacts.distinct().select_related("channel", "unit").order_by("channel_id", "kind", "id")


def station_of(unit):
    """The station a unit belongs to (itself for a station, its parent for a beat)."""
    if unit.kind == Unit.Kind.STATION:
        return unit
    if unit.kind == Unit.Kind.BEAT:
        return unit.parent
    return unit


@dataclass
class PlannedDispatch:
    channel: Channel
    kind: str
    contacts: list
    cost: int


@dataclass
class Plan:
    messages: list
    dispatches: list = field(default_factory=list)
    quota: list = field(default_factory=list)  # QuotaCheck per channel
    stations: list = field(default_factory=list)
    recipients: int = 0  # contacts (groups count once)
    people: int = 0  # people reached (group members)

    @property
    def cost(self):
        return sum(d.cost for d in self.dispatches)

    @property
    def over_quota(self):
        return [q for q in self.quota if not q.fits]

    @property
    def needs_approval(self):
        return len(self.stations) > 1


def plan(campaign, contacts):
    """Group contacts into requests (push per group, multicast ≤ 500 users, one e-mail each) and cost them."""
    messages = line_messages(campaign)
    n_messages = len(messages)
    result = Plan(messages=messages)
    by_channel = {}
    stations = {}
    for contact in contacts:
        by_channel.setdefault(contact.channel_id, (contact.channel, []))[1].append(contact)
        station = station_of(contact.unit)
        stations[station.pk] = station
        result.recipients += 1
        result.people += quota.contact_recipients(contact)
    for channel, items in by_channel.values():
        users = [c for c in items if c.kind == Contact.Kind.USER]
        for c in items:
            if c.kind in (Contact.Kind.GROUP, Contact.Kind.ROOM):
                cost = quota.request_cost(quota.contact_recipients(c), n_messages)
                result.dispatches.append(PlannedDispatch(channel, Dispatch.Kind.PUSH, [c], cost))
            elif c.kind == Contact.Kind.EMAIL:
                result.dispatches.append(PlannedDispatch(channel, Dispatch.Kind.EMAIL, [c], 0))
        for chunk in batches(users, MAX_MULTICAST_RECIPIENTS):
            cost = quota.request_cost(len(chunk), n_messages)
            result.dispatches.append(PlannedDispatch(channel, Dispatch.Kind.MULTICAST, chunk, cost))
        channel_cost = sum(d.cost for d in result.dispatches if d.channel.pk == channel.pk)
        result.quota.append(quota.check(channel, channel_cost))
    result.stations = sorted(stations.values(), key=lambda u: u.path)
    return result
