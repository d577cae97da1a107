"""Campaigns: compose a draft, preview what queueing would do, queue it (now or at a time), cancel it;
and :func:`send`, the service API other apps call to compose and queue in one step."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingmin.audit import log as audit
from jingmin.messaging import campaigns, delivery, templating
from jingmin.messaging.models import (
    Campaign,
    CampaignApproval,
    Channel,
    Contact,
    Delivery,
    DeliveryStatus,
    Dispatch,
    MessageTemplate,
    Tag,
)
from jingmin.org import roles
from jingmin.org.models import Unit, Village
from jingmin.org.scoping import user_unit


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
    roles.require(acting_user, "messaging.send")
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
    campaigns.validate_content(text=text, link=link, image=image, image_alt=image_alt if has_image else "")
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
        campaign.image_preview.save("preview.jpg", ContentFile(campaigns.make_preview(image)), save=False)
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
    contacts = list(campaigns.resolve_audience(campaign, user))
    try:
        the_plan = campaigns.plan(campaign, contacts)
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
    roles.require(acting_user, "messaging.send")
    if not Campaign.objects.visible_to(acting_user, "messaging.send").filter(pk=campaign.pk).exists():
        raise PermissionDenied(_("This campaign is outside your jurisdiction."))
    # lock the campaign (and, below, its channels) so two clicks or two campaigns cannot overbook
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Campaign.Status.DRAFT:
        raise ValidationError(_("This campaign has already been queued."))
    channel_ids = set(campaigns.resolve_audience(campaign, acting_user).values_list("channel_id", flat=True))
    list(Channel.objects.select_for_update().filter(pk__in=channel_ids))
    the_plan, problems = preview(campaign, acting_user)
    if problems:
        raise ValidationError(problems)
    now = now or timezone.now()
    when = campaign.scheduled_for if campaign.scheduled_for and campaign.scheduled_for > now else now
    held = the_plan.needs_approval
    status = DeliveryStatus.HELD if held else DeliveryStatus.QUEUED
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


@transaction.atomic
def cancel_campaign(*, acting_user, campaign):
    """Stop what has not gone out yet (requests already on the wire finish)."""
    roles.require(acting_user, "messaging.send")
    if not Campaign.objects.visible_to(acting_user, "messaging.send").filter(pk=campaign.pk).exists():
        raise PermissionDenied(_("This campaign is outside your jurisdiction."))
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status in (Campaign.Status.DONE, Campaign.Status.CANCELLED, Campaign.Status.REJECTED):
        raise ValidationError(_("This campaign is already finished."))
    open_ = [DeliveryStatus.HELD, DeliveryStatus.QUEUED, DeliveryStatus.RETRYING]
    Delivery.objects.filter(campaign=campaign, dispatch__status__in=open_).update(
        status=DeliveryStatus.CANCELLED, error=_("cancelled")
    )
    Dispatch.objects.filter(campaign=campaign, status__in=open_).update(
        status=DeliveryStatus.CANCELLED, last_error="cancelled"
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
