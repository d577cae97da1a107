"""Every write of the messaging app, and the public service API :func:`send`.

Other features (missing-person broadcasts, anti-fraud alerts, meeting notices) call::

    from jingmin.messaging import actions
    campaign = actions.send(
        acting_user=user, title="協尋", text="…", tags=["village-chiefs"], source="missing"
    )

which validates the content, resolves the audience within the user's jurisdiction, checks the
quota and queues the deliveries (or waits for approval) — or raises ``ValidationError`` /
``PermissionDenied`` with a reason in the user's language before anything is queued.
"""

import json
import logging
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jingmin.audit import log as audit
from jingmin.messaging import campaigns as cmp
from jingmin.messaging import delivery, templating
from jingmin.messaging.models import (
    Campaign,
    CampaignApproval,
    Channel,
    Contact,
    Delivery,
    DeliveryStatus,
    Dispatch,
    MessageTemplate,
    RetentionSettings,
    Tag,
    Tip,
    WebhookEvent,
)
from jingmin.org import roles
from jingmin.org.models import Unit, Village
from jingmin.org.scoping import user_unit

logger = logging.getLogger("jingmin.messaging")
S = DeliveryStatus


def _require(user, capability, unit=None):
    if not roles.can(user, capability):
        raise PermissionDenied(_("You do not have permission to do this."))
    if unit is not None and not Unit.objects.visible_to(user).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("This unit is outside your jurisdiction."))


# ---------------------------------------------------------------------------- channels


@transaction.atomic
def save_channel(
    *,
    acting_user,
    channel=None,
    unit=None,
    slug=None,
    name,
    transport=Channel.Transport.LINE,
    line_channel_id="",
    line_channel_secret="",
    line_access_token="",
    api_host="",
    monthly_quota=None,
    is_active=True,
):
    """Register or update a channel. Empty secret fields keep the stored value (they are write-only)."""
    unit = channel.unit if channel is not None else unit
    _require(acting_user, "messaging.manage_channels", unit)
    if unit.kind != Unit.Kind.STATION and not (acting_user and acting_user.is_superuser):
        raise ValidationError({"unit": _("A channel belongs to a station.")})
    if channel is None:
        if Channel.objects.filter(slug=slug).exists():
            raise ValidationError({"slug": _("This webhook name is already used.")})
        channel = Channel(unit=unit, slug=slug, transport=transport)
    channel.name = name
    channel.api_host = (api_host or "").strip().rstrip("/")
    channel.monthly_quota = monthly_quota
    channel.is_active = is_active
    for field, value in (
        ("line_channel_id", line_channel_id),
        ("line_channel_secret", line_channel_secret),
        ("line_access_token", line_access_token),
    ):
        if value:
            setattr(channel, field, value.strip())
    if channel.transport == Channel.Transport.LINE and not channel.line_channel_secret:
        raise ValidationError(
            {"line_channel_secret": _("The channel secret is needed to verify the webhook.")}
        )
    if channel.api_host and not channel.api_host.startswith(
        ("https://", "http://127.0.0.1", "http://localhost")
    ):
        raise ValidationError({"api_host": _("The API host must be an https:// address.")})
    channel.save()
    audit.record(
        "messaging.save_channel",
        actor=acting_user,
        obj=channel,
        unit=unit,
        extra={
            "slug": channel.slug,
            "transport": channel.transport,
            "api_host": channel.api_host,
            "secrets_changed": [
                f
                for f, v in (
                    ("channel_id", line_channel_id),
                    ("secret", line_channel_secret),
                    ("token", line_access_token),
                )
                if v
            ],
        },
    )
    return channel


# ---------------------------------------------------------------------------- contacts


@transaction.atomic
def add_contact(
    *, acting_user, channel, kind, address, name="", unit=None, village=None, tags=(), member_count=1
):
    """Add a contact by hand (e-mail addresses; LINE groups and friends arrive by webhook)."""
    _require(acting_user, "messaging.manage_contacts", channel.unit)
    unit = unit or channel.unit
    if not unit.path.startswith(channel.unit.path):
        raise ValidationError(
            {"unit": _("The contact must belong to the channel's station or one of its beats.")}
        )
    address = (address or "").strip()
    if not address:
        raise ValidationError({"address": _("This field is required.")})
    if kind == Contact.Kind.EMAIL:
        from django.core.validators import validate_email

        validate_email(address)
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
    _require(acting_user, "messaging.manage_contacts", contact.unit)
    station = cmp.station_of(contact.channel.unit)
    if not unit.path.startswith(station.path):
        raise ValidationError(
            {"unit": _("The contact must belong to the channel's station or one of its beats.")}
        )
    _require(acting_user, "messaging.manage_contacts", unit)
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
        _require(acting_user, "messaging.manage_contacts", contact.unit)
    _cancel_open_deliveries(contact, _("removed at the resident's request"))
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


def _cancel_open_deliveries(contact, reason):
    open_deliveries = Delivery.objects.filter(contact=contact, status__in=[S.HELD, S.QUEUED, S.RETRYING])
    dispatch_ids = list(open_deliveries.values_list("dispatch_id", flat=True))
    open_deliveries.update(status=S.CANCELLED, error=reason)
    # a dispatch with nobody left is cancelled as a whole
    for dispatch in Dispatch.objects.filter(pk__in=dispatch_ids, status__in=[S.HELD, S.QUEUED, S.RETRYING]):
        if not dispatch.deliveries.exclude(status=S.CANCELLED).exists():
            Dispatch.objects.filter(pk=dispatch.pk, status=dispatch.status).update(
                status=S.CANCELLED, last_error=reason
            )
    for campaign_id in set(
        Delivery.objects.filter(dispatch_id__in=dispatch_ids).values_list("campaign_id", flat=True)
    ):
        delivery.update_campaign_progress(campaign_id)


# ---------------------------------------------------------------------------- templates


@transaction.atomic
def save_template(*, acting_user, template=None, category, title, body, scam_type="", link=""):
    _require(acting_user, "messaging.send")
    unit = user_unit(acting_user)
    if template is None:
        template = MessageTemplate(unit=unit)
    elif (
        template.unit_id is None
        or not MessageTemplate.objects.visible_to(acting_user).filter(pk=template.pk).exists()
    ):
        raise PermissionDenied(_("The shared templates are edited by administrators."))
    if not body.strip():
        raise ValidationError({"body": _("This field is required.")})
    template.category, template.title, template.body = category, title.strip(), body
    template.scam_type, template.link = scam_type.strip(), link
    template.save()
    audit.record(
        "messaging.save_template", actor=acting_user, obj=template, unit=unit, extra={"title": template.title}
    )
    return template


# ---------------------------------------------------------------------------- campaigns


def _as_list(qs_or_iterable):
    return list(qs_or_iterable or [])


@transaction.atomic
def save_campaign(
    *,
    acting_user,
    campaign=None,
    title,
    text="",
    link="",
    image=None,
    image_alt="",
    remove_image=False,
    template=None,
    values=None,
    units=(),
    tags=(),
    villages=(),
    kinds=(),
    contacts=(),
    scheduled_for=None,
    source="compose",
):
    """Create or update a draft. Content is checked here; audience and quota again when queued."""
    _require(acting_user, "messaging.send")
    unit = user_unit(acting_user) if campaign is None else campaign.unit
    if unit is None:
        raise PermissionDenied(_("You have no unit."))
    if campaign is not None and not campaign.is_editable:
        raise ValidationError(_("Only a draft can be changed."))
    if template is not None and text == "":
        text = template.body
        link = link or template.link
    if template is not None or values:
        text = templating.render(text, {**templating.default_values(unit), **(values or {})})
    elif templating.placeholders(text):
        text = templating.render(text, templating.default_values(unit))
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("This field is required.")})
    has_image = bool(image) or (campaign is not None and campaign.image and not remove_image)
    cmp.validate_content(text=text, link=link, image=image, image_alt=image_alt if has_image else "")
    if has_image and not image and not (image_alt or "").strip():
        raise ValidationError(
            {"image_alt": _("Describe the image in a few words (alt text) for readers who cannot see it.")}
        )
    if scheduled_for is not None and scheduled_for < timezone.now() - timedelta(minutes=1):
        raise ValidationError({"scheduled_for": _("The sending time is in the past.")})
    visible_units = Unit.objects.visible_to(acting_user)
    units = _as_list(units)
    outside = [u for u in units if not visible_units.filter(pk=u.pk).exists()]
    if outside:
        raise PermissionDenied(_("This unit is outside your jurisdiction."))
    contacts = _as_list(contacts)
    if contacts:
        visible = set(
            Contact.objects.visible_to(acting_user, "messaging.send")
            .filter(pk__in=[c.pk for c in contacts])
            .values_list("pk", flat=True)
        )
        if len(visible) != len({c.pk for c in contacts}):
            raise PermissionDenied(_("Some recipients are outside your jurisdiction."))
    if campaign is None:
        campaign = Campaign(unit=unit, created_by=acting_user, source=source)
    campaign.title, campaign.text, campaign.link = title, text.strip(), (link or "").strip()
    campaign.image_alt = (image_alt or "").strip() if has_image else ""
    campaign.template = template
    campaign.scheduled_for = scheduled_for
    campaign.audience_kinds = [str(k) for k in kinds]
    if remove_image or image:
        campaign.image, campaign.image_preview = "", ""
    if image:
        image.seek(0)
        campaign.image.save(getattr(image, "name", "image.jpg") or "image.jpg", image, save=False)
        campaign.image_preview.save("preview.jpg", ContentFile(cmp.make_preview(image)), save=False)
    campaign.save()
    campaign.audience_units.set(units)
    campaign.audience_tags.set(_as_list(tags))
    campaign.audience_villages.set(_as_list(villages))
    campaign.audience_contacts.set(contacts)
    audit.record(
        "messaging.save_campaign",
        actor=acting_user,
        obj=campaign,
        unit=unit,
        extra={"title": campaign.title, "source": campaign.source},
    )
    return campaign


def preview(campaign, user):
    """What queueing would do now: the plan, plus the reasons it would be refused (or [])."""
    problems = []
    contacts = list(cmp.resolve_audience(campaign, user))
    try:
        the_plan = cmp.plan(campaign, contacts)
    except ValidationError as exc:
        return None, exc.messages
    if not the_plan.messages:
        problems.append(_("The message is empty: write a text or attach an image."))
    if not contacts:
        problems.append(_("The audience you picked reaches nobody: change the units, tags or villages."))
    for q in the_plan.over_quota:
        problems.append(
            _(
                "Over quota on %(channel)s: this campaign costs %(cost)s messages, %(remaining)s of %(limit)s are left this month."
            )
            % {"channel": q.channel_name, "cost": q.cost, "remaining": q.remaining, "limit": q.limit}
        )
    return the_plan, problems


@transaction.atomic
def queue_campaign(*, acting_user, campaign, now=None):
    """Turn a draft into deliveries: refused (ValidationError, nothing queued) when it cannot go out."""
    _require(acting_user, "messaging.send")
    if not Campaign.objects.visible_to(acting_user, "messaging.send").filter(pk=campaign.pk).exists():
        raise PermissionDenied(_("This campaign is outside your jurisdiction."))
    # lock the campaign (and, below, its channels) so two clicks or two campaigns cannot overbook
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Campaign.Status.DRAFT:
        raise ValidationError(_("This campaign has already been queued."))
    channel_ids = set(cmp.resolve_audience(campaign, acting_user).values_list("channel_id", flat=True))
    list(Channel.objects.select_for_update().filter(pk__in=channel_ids))
    the_plan, problems = preview(campaign, acting_user)
    if problems:
        raise ValidationError(problems)
    now = now or timezone.now()
    when = campaign.scheduled_for if campaign.scheduled_for and campaign.scheduled_for > now else now
    held = the_plan.needs_approval
    status = S.HELD if held else S.QUEUED
    for planned in the_plan.dispatches:
        dispatch = Dispatch.objects.create(
            campaign=campaign,
            channel=planned.channel,
            kind=planned.kind,
            status=status,
            cost=planned.cost,
            next_attempt_at=when,
        )
        Delivery.objects.bulk_create(
            [
                Delivery(campaign=campaign, dispatch=dispatch, contact=c, status=status)
                for c in planned.contacts
            ]
        )
    campaign.recipients = the_plan.recipients
    campaign.cost = the_plan.cost
    campaign.queued_at = now
    if held:
        campaign.status = Campaign.Status.PENDING_APPROVAL
        for station in the_plan.stations:
            CampaignApproval.objects.create(campaign=campaign, station=station)
    else:
        campaign.status = Campaign.Status.SCHEDULED if when > now else Campaign.Status.SENDING
    campaign.save()
    audit.record(
        "messaging.queue_campaign",
        actor=acting_user,
        obj=campaign,
        unit=campaign.unit,
        extra={
            "title": campaign.title,
            "recipients": the_plan.recipients,
            "cost": the_plan.cost,
            "contacts": sorted(c.pk for d in the_plan.dispatches for c in d.contacts),
            "stations": [s.code for s in the_plan.stations],
            "send_at": when.isoformat(),
            "needs_approval": held,
        },
    )
    if not held:
        delivery.schedule_drain_on_commit(when)
    return campaign


def approvable_by(user, campaign):
    """The pending approvals this user may decide."""
    if not roles.can(user, "messaging.approve") or campaign.status != Campaign.Status.PENDING_APPROVAL:
        return []
    if campaign.created_by_id == getattr(user, "pk", None):
        return []
    visible = set(Unit.objects.visible_to(user).values_list("pk", flat=True))
    return [
        a
        for a in campaign.approvals.filter(decision=CampaignApproval.Decision.PENDING).select_related(
            "station"
        )
        if a.station_id in visible
    ]


@transaction.atomic
def decide(*, acting_user, campaign, approve):
    """A station chief (or supervisor above) approves or rejects for the stations they answer for."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require(acting_user, "messaging.approve")
    mine = approvable_by(acting_user, campaign)
    if not mine:
        raise PermissionDenied(
            _("You cannot approve this campaign (you wrote it, or none of its stations is yours).")
        )
    now = timezone.now()
    decision = CampaignApproval.Decision.APPROVED if approve else CampaignApproval.Decision.REJECTED
    CampaignApproval.objects.filter(pk__in=[a.pk for a in mine]).update(
        decision=decision, decided_by=acting_user, decided_at=now
    )
    audit.record(
        "messaging.approve_campaign" if approve else "messaging.reject_campaign",
        actor=acting_user,
        obj=campaign,
        unit=campaign.unit,
        extra={"stations": [a.station.code for a in mine]},
    )
    if not approve:
        campaign.status = Campaign.Status.REJECTED
        campaign.finished_at = now
        campaign.save()
        Dispatch.objects.filter(campaign=campaign, status=S.HELD).update(
            status=S.CANCELLED, last_error="rejected"
        )
        Delivery.objects.filter(campaign=campaign, status=S.HELD).update(
            status=S.CANCELLED, error=_("rejected")
        )
        return campaign
    if campaign.approvals.exclude(decision=CampaignApproval.Decision.APPROVED).exists():
        return campaign
    when = campaign.scheduled_for if campaign.scheduled_for and campaign.scheduled_for > now else now
    Dispatch.objects.filter(campaign=campaign, status=S.HELD).update(status=S.QUEUED, next_attempt_at=when)
    Delivery.objects.filter(campaign=campaign, status=S.HELD).update(status=S.QUEUED)
    campaign.status = Campaign.Status.SCHEDULED if when > now else Campaign.Status.SENDING
    campaign.save()
    delivery.schedule_drain_on_commit(when)
    return campaign


@transaction.atomic
def cancel_campaign(*, acting_user, campaign):
    """Stop what has not gone out yet (requests already on the wire finish)."""
    _require(acting_user, "messaging.send")
    if not Campaign.objects.visible_to(acting_user, "messaging.send").filter(pk=campaign.pk).exists():
        raise PermissionDenied(_("This campaign is outside your jurisdiction."))
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status in (Campaign.Status.DONE, Campaign.Status.CANCELLED, Campaign.Status.REJECTED):
        raise ValidationError(_("This campaign is already finished."))
    open_ = [S.HELD, S.QUEUED, S.RETRYING]
    Delivery.objects.filter(campaign=campaign, dispatch__status__in=open_).update(
        status=S.CANCELLED, error=_("cancelled")
    )
    Dispatch.objects.filter(campaign=campaign, status__in=open_).update(
        status=S.CANCELLED, last_error="cancelled"
    )
    campaign.status = Campaign.Status.CANCELLED
    campaign.finished_at = timezone.now()
    campaign.save()
    audit.record("messaging.cancel_campaign", actor=acting_user, obj=campaign, unit=campaign.unit)
    return campaign


@transaction.atomic
def send(
    *,
    acting_user,
    title,
    text="",
    link="",
    image=None,
    image_alt="",
    template=None,
    values=None,
    units=(),
    tags=(),
    villages=(),
    kinds=(),
    contacts=(),
    when=None,
    source="api",
):
    """The service API: compose and queue in one step (see the module docstring).

    ``tags`` and ``villages`` may be objects or codes; ``units`` objects or codes.
    """
    tags = [t if isinstance(t, Tag) else Tag.objects.get(code=t) for t in tags]
    villages = [v if isinstance(v, Village) else Village.objects.get(code=v) for v in villages]
    units = [u if isinstance(u, Unit) else Unit.objects.get(code=u) for u in units]
    if isinstance(template, str):
        template = MessageTemplate.objects.visible_to(acting_user).get(code=template)
    campaign = save_campaign(
        acting_user=acting_user,
        title=title,
        text=text,
        link=link,
        image=image,
        image_alt=image_alt,
        template=template,
        values=values,
        units=units,
        tags=tags,
        villages=villages,
        kinds=kinds,
        contacts=contacts,
        scheduled_for=when,
        source=source,
    )
    return queue_campaign(acting_user=acting_user, campaign=campaign)


# ---------------------------------------------------------------------------- tips


@transaction.atomic
def set_tip_status(*, acting_user, tip, status):
    if not Tip.objects.visible_to(acting_user).filter(pk=tip.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    tip.status = status
    if status == Tip.Status.CLOSED:
        tip.closed_at = tip.closed_at or timezone.now()  # the retention period runs from here
    else:
        tip.closed_at = None
    tip.save(update_fields=["status", "closed_at"])
    audit.record("messaging.tip_status", actor=acting_user, obj=tip, unit=tip.unit, extra={"status": status})
    return tip


def new_tracking_code():
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "T" + "".join(secrets.choice(alphabet) for _ in range(7))


# ---------------------------------------------------------------------------- webhook

UNSUBSCRIBE_WORDS = {"取消訂閱", "退訂", "刪除我的資料", "unsubscribe", "stop", "remove me"}


def _redact(event):
    """What is kept of an event: its shape, never text or user IDs."""
    source = event.get("source") or {}
    message = event.get("message") or {}
    kept = {
        "type": event.get("type"),
        "mode": event.get("mode"),
        "timestamp": event.get("timestamp"),
        "source": {
            "type": source.get("type"),
            **({"groupId": source["groupId"]} if "groupId" in source else {}),
            **({"roomId": source["roomId"]} if "roomId" in source else {}),
        },
    }
    if message:
        kept["message"] = {"type": message.get("type"), "id": message.get("id")}
    return kept


def receive_line_events(*, channel, events, destination=""):
    """Record each webhook event once (by ``webhookEventId``) and act on the new ones.

    Returns counters. A malformed event is logged and skipped; it never fails the others.
    """
    counts = {"received": len(events), "new": 0, "duplicate": 0, "skipped": 0}
    for event in events:
        event_id = str(event.get("webhookEventId") or "")[:80]
        if not event_id:
            import hashlib

            event_id = "sha256:" + hashlib.sha256(json.dumps(event, sort_keys=True).encode()).hexdigest()[:64]
        try:
            with transaction.atomic():
                row, created = WebhookEvent.objects.get_or_create(
                    channel=channel,
                    event_id=event_id,
                    defaults={
                        "type": str(event.get("type"))[:40],
                        "source_type": str((event.get("source") or {}).get("type") or "")[:10],
                        "redelivery": bool((event.get("deliveryContext") or {}).get("isRedelivery")),
                        "payload": _redact(event),
                    },
                )
                if not created:
                    counts["duplicate"] += 1
                    continue
                _handle_event(channel, event, row, destination)
                counts["new"] += 1
        except IntegrityError:  # the same event arriving twice at the same moment
            counts["duplicate"] += 1
        except (KeyError, TypeError, ValueError, AttributeError, ValidationError) as exc:
            logger.warning("LINE webhook %s: event %s skipped: %s", channel.slug, event_id, exc)
            counts["skipped"] += 1
    return counts


def _source_contact(channel, kind, line_id, create=True):
    address_hash = Contact.hash_address(line_id)
    contact = Contact.objects.filter(channel=channel, address_hash=address_hash).first()
    if contact is None and create:
        contact = Contact.objects.create(
            channel=channel, unit=channel.unit, kind=kind, address=line_id, address_hash=address_hash
        )
    return contact


def _set_status(contact, status, action):
    if contact is not None and contact.status != status:
        if status != Contact.Status.ACTIVE:
            _cancel_open_deliveries(contact, contact.Status(status).label)
        contact.status = status
        contact.save(update_fields=["status", "updated_at"])
        audit.record(action, obj=contact, unit=contact.unit)


def _handle_event(channel, event, row, destination):
    kind = event["type"]
    source = event.get("source") or {}
    source_type = source.get("type")
    if kind in ("follow", "unfollow") and source_type == "user":
        user_id = source["userId"]
        if kind == "follow":
            contact = _source_contact(channel, Contact.Kind.USER, user_id)
            if contact.status != Contact.Status.ACTIVE or not contact.address:
                contact.address = user_id
                contact.save(update_fields=["address"])
            _set_status(contact, Contact.Status.ACTIVE, "messaging.friend_followed")
            if not channel.uses_console:  # the console knows no names
                from jingmin.messaging.tasks import fetch_friend_profile

                transaction.on_commit(lambda: fetch_friend_profile.enqueue(contact.pk))
        else:
            _set_status(
                _source_contact(channel, Contact.Kind.USER, user_id, create=False),
                Contact.Status.UNFOLLOWED,
                "messaging.friend_unfollowed",
            )
    elif kind in ("join", "leave") and source_type in ("group", "room"):
        line_id = source.get("groupId") or source["roomId"]
        ckind = Contact.Kind.GROUP if source_type == "group" else Contact.Kind.ROOM
        if kind == "join":
            contact = _source_contact(channel, ckind, line_id)
            if not contact.address:
                contact.address = line_id
                contact.save(update_fields=["address"])
            _set_status(contact, Contact.Status.ACTIVE, "messaging.group_joined")
            if ckind == Contact.Kind.GROUP:
                from jingmin.messaging.tasks import fetch_group_details

                transaction.on_commit(lambda: fetch_group_details.enqueue(contact.pk))
        else:
            _set_status(
                _source_contact(channel, ckind, line_id, create=False),
                Contact.Status.LEFT,
                "messaging.group_left",
            )
    elif kind in ("memberJoined", "memberLeft") and source_type == "group":
        contact = _source_contact(channel, Contact.Kind.GROUP, source["groupId"], create=False)
        members = (event.get("joined" if kind == "memberJoined" else "left") or {}).get("members") or []
        if contact is not None:
            delta = len(members) if kind == "memberJoined" else -len(members)
            contact.member_count = max(1, contact.member_count + delta)
            contact.save(update_fields=["member_count"])
    elif kind == "message":
        _handle_message(channel, event, row, destination)


def _mentions_bot(message, destination):
    mentionees = ((message.get("mention") or {}).get("mentionees")) or []
    return any(m.get("isSelf") or (destination and m.get("userId") == destination) for m in mentionees)


def _handle_message(channel, event, row, destination):
    source = event.get("source") or {}
    message = event["message"]
    mtype = message["type"]
    if source.get("type") == "user":
        sender = _source_contact(channel, Contact.Kind.USER, source["userId"])
        if sender.status == Contact.Status.REMOVED:
            sender.address = source["userId"]
            sender.status = Contact.Status.ACTIVE
            sender.save(update_fields=["address", "status"])
        if mtype == "text" and message.get("text", "").strip().lower() in UNSUBSCRIBE_WORDS:
            remove_contact_at_request(contact=sender, via="line")
            return
        group = None
        tip_source = Tip.Source.USER
    elif source.get("type") in ("group", "room"):
        if not _mentions_bot(message, destination):
            return  # group chatter is not stored
        group = _source_contact(
            channel,
            Contact.Kind.GROUP if source["type"] == "group" else Contact.Kind.ROOM,
            source.get("groupId") or source["roomId"],
        )
        sender = None
        tip_source = Tip.Source.GROUP
    else:
        return
    tip = Tip(
        unit=cmp.station_of(channel.unit),
        channel=channel,
        source=tip_source,
        sender=sender,
        group=group,
        event=row,
        line_message_id=str(message.get("id", ""))[:40],
    )
    if mtype == "text":
        tip.kind, tip.text = Tip.Kind.TEXT, message.get("text", "")[:5000]
    elif mtype == "image":
        tip.kind = Tip.Kind.IMAGE
    elif mtype == "location":
        tip.kind = Tip.Kind.LOCATION
        tip.latitude, tip.longitude = float(message["latitude"]), float(message["longitude"])
        tip.address = (message.get("address") or message.get("title") or "")[:300]
    else:
        tip.kind, tip.text = Tip.Kind.OTHER, f"[{mtype}]"
    for _attempt in range(5):
        tip.tracking_code = new_tracking_code()
        if not Tip.objects.filter(tracking_code=tip.tracking_code).exists():
            break
    tip.save()
    audit.record(
        "messaging.receive_tip", obj=tip, unit=tip.unit, extra={"kind": tip.kind, "source": tip.source}
    )
    from jingmin.messaging import tasks

    if tip.kind == Tip.Kind.IMAGE:
        transaction.on_commit(lambda: tasks.fetch_tip_image.enqueue(tip.pk))
    reply_token = event.get("replyToken")
    if reply_token and tip_source == Tip.Source.USER:
        transaction.on_commit(lambda: tasks.reply_to_tip.enqueue(tip.pk, reply_token))


# ---------------------------------------------------------------------------- friends' display names


def refresh_friend_names(*, acting_user=None, channel, contacts=None, via="station"):
    """Read friends' LINE display names (``GET /v2/bot/profile/{userId}``) and store them.

    ``contacts``: the friends to read (default: every active friend of the channel). A 404 (not or no
    longer a friend, unknown user) keeps the contact without a name; other failures leave the stored
    name as it was. The requests go out before the transaction; one audit event records the run.
    Returns ``{"updated", "not_found", "failed", "errors"}``.
    """
    from jingmin.messaging.transports import TransportError

    if acting_user is not None:
        _require(acting_user, "messaging.manage_contacts", channel.unit)
    if channel.transport != Channel.Transport.LINE:
        raise ValidationError(_("Only LINE friends have a LINE display name."))
    if contacts is None:
        contacts = Contact.objects.filter(
            channel=channel, kind=Contact.Kind.USER, status=Contact.Status.ACTIVE
        )
    contacts = [
        c for c in contacts if c.channel_id == channel.pk and c.kind == Contact.Kind.USER and c.address
    ]
    transport = delivery.transport_for(channel)
    names, not_found, failed, errors = {}, [], [], []
    for contact in contacts:
        try:
            profile = transport.profile(contact.address)
        except TransportError as exc:
            if exc.status == 404:
                names[contact.pk] = ""
                not_found.append(contact.pk)
                continue
            failed.append(contact.pk)
            errors.append(exc.message[:200])
            if exc.status in (401, 403):  # a bad token fails every request alike
                failed.extend(c.pk for c in contacts if c.pk not in names and c.pk not in failed)
                break
            continue
        names[contact.pk] = str(profile.get("displayName") or "")[:200]
    now = timezone.now()
    with transaction.atomic():
        for pk, name in names.items():
            Contact.objects.filter(pk=pk, channel=channel).update(display_name=name, profile_checked_at=now)
        audit.record(
            "messaging.refresh_friend_names",
            actor=acting_user,
            obj=contacts[0] if len(contacts) == 1 else ("messaging.contact", "batch"),
            unit=channel.unit,
            extra={
                "via": via,
                "channel": channel.slug,
                "named": sorted(pk for pk, name in names.items() if name),
                "not_found": sorted(not_found),
                "failed": sorted(set(failed)),
            },
        )
    return {
        "updated": sum(1 for name in names.values() if name),
        "not_found": len(not_found),
        "failed": len(set(failed)),
        "errors": errors[:5],
    }


# ---------------------------------------------------------------------------- quota refresh


def refresh_quotas(*, acting_user=None, channels=None):
    """Read the monthly quota and this month's usage from LINE for each channel with an API host.

    Default: every active LINE channel with an API host (the daily scheduled job). Never raises for
    a channel that fails: its error is stored on the channel (``remote_error``) and the others go on.
    One audit event per run. Returns ``{slug: "ok" | error message}``.
    """
    from jingmin.messaging.transports import TransportError

    if channels is None:
        channels = Channel.objects.filter(transport=Channel.Transport.LINE, is_active=True).exclude(
            api_host=""
        )
    else:
        channels = [c for c in channels if c.transport == Channel.Transport.LINE and c.api_host]
        if acting_user is not None:
            for channel in channels:
                _require(acting_user, "messaging.manage_channels", channel.unit)
    outcomes = []
    for channel in channels:
        if not channel.line_access_token:
            outcomes.append((channel, None, None, "no channel access token"))
            continue
        try:
            transport = delivery.transport_for(channel)
            limit = transport.quota()
            used = transport.consumption()
        except TransportError as exc:
            outcomes.append((channel, None, None, exc.message[:500]))
        except Exception as exc:  # one broken channel must not stop the others
            logger.exception("quota of channel %s", channel.slug)
            outcomes.append((channel, None, None, f"{type(exc).__name__}: {exc}"[:500]))
        else:
            outcomes.append((channel, limit, used, ""))
    now = timezone.now()
    results = {}
    with transaction.atomic():
        for channel, limit, used, error in outcomes:
            if error:
                Channel.objects.filter(pk=channel.pk).update(remote_error=error, remote_error_at=now)
                logger.warning("quota of channel %s: %s", channel.slug, error)
            else:
                Channel.objects.filter(pk=channel.pk).update(
                    monthly_quota=limit["value"] if limit["type"] == "limited" else None,
                    remote_usage=used,
                    remote_checked_at=now,
                    remote_error="",
                    remote_error_at=None,
                )
            results[channel.slug] = error or "ok"
        audit.record(
            "messaging.refresh_quota",
            actor=acting_user,
            obj=outcomes[0][0] if len(outcomes) == 1 else ("messaging.channel", "batch"),
            unit=outcomes[0][0].unit if len(outcomes) == 1 else None,
            extra={"channels": results},
        )
    return results


# ---------------------------------------------------------------------------- retention


@transaction.atomic
def save_retention(*, acting_user, closed_tip_days, webhook_event_days):
    """Change how long closed tips and webhook event records are kept."""
    _require(acting_user, "messaging.manage_retention")
    config = RetentionSettings.get()
    before = {"closed_tip_days": config.closed_tip_days, "webhook_event_days": config.webhook_event_days}
    config.closed_tip_days, config.webhook_event_days = closed_tip_days, webhook_event_days
    config.full_clean(exclude=["updated_at"])
    config.save()
    audit.record(
        "messaging.save_retention",
        actor=acting_user,
        obj=config,
        extra={
            "before": before,
            "after": {"closed_tip_days": closed_tip_days, "webhook_event_days": webhook_event_days},
        },
    )
    return config


def expired(now=None, config=None):
    """``(closed tips, webhook events)`` past their retention period at ``now``."""
    config = config or RetentionSettings.get()
    now = now or timezone.now()
    tip_cutoff = now - timedelta(days=config.closed_tip_days)
    tips = Tip.objects.filter(status=Tip.Status.CLOSED).filter(
        Q(closed_at__lt=tip_cutoff) | Q(closed_at__isnull=True, received_at__lt=tip_cutoff)
    )
    events = WebhookEvent.objects.filter(received_at__lt=now - timedelta(days=config.webhook_event_days))
    return tips, events


def purge_expired(*, acting_user=None, now=None, dry_run=False, batch=1000):
    """Delete closed tips (and their image files) and webhook event records past their retention.

    Open tips (new or read) are never deleted, whatever their age. One audit event per run, with the
    counts (also when nothing was due). Image files are removed once the deletion is committed.
    Returns ``{"tips", "images", "events", "dry_run"}``.
    """
    if acting_user is not None:
        _require(acting_user, "messaging.manage_retention")
    config = RetentionSettings.get()
    tips, events = expired(now, config)
    if dry_run:
        return {
            "tips": tips.count(),
            "images": tips.exclude(image="").count(),
            "events": events.count(),
            "dry_run": True,
        }
    with transaction.atomic():
        rows = list(tips.values_list("pk", "image"))
        images = [name for _pk, name in rows if name]
        tip_ids = [pk for pk, _name in rows]
        for i in range(0, len(tip_ids), batch):
            Tip.objects.filter(pk__in=tip_ids[i : i + batch]).delete()
        event_ids = list(events.values_list("pk", flat=True))
        for i in range(0, len(event_ids), batch):
            WebhookEvent.objects.filter(pk__in=event_ids[i : i + batch]).delete()
        counts = {"tips": len(tip_ids), "images": len(images), "events": len(event_ids), "dry_run": False}
        audit.record(
            "messaging.purge",
            actor=acting_user,
            obj=("messaging.tip", "batch"),
            extra={
                **counts,
                "closed_tip_days": config.closed_tip_days,
                "webhook_event_days": config.webhook_event_days,
            },
        )
        transaction.on_commit(lambda: _delete_files(images))
    return counts


def _delete_files(names):
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except OSError as exc:  # logged; the row is gone, a stray file is found by the next audit
            logger.warning("retention: could not delete %s: %s", name, exc)
