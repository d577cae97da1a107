"""Messaging API at ``/api/v1/messaging/``: channels, contacts and tags, templates, campaigns (compose,
preview with the quota cost, send or schedule, approve or reject, cancel, deliveries), tips, retention.

Every operation calls the same action as the page, under the same rules: a role without the
capability answers 403; an object outside the caller's jurisdiction answers 404 exactly like one
that does not exist, and a code or id in a request body that the caller may not see is refused as
unknown, like one that does not exist. Resident LINE IDs and display names are shown only to the
station that holds them (as on the pages), and that read is audited.
"""

from datetime import datetime
from typing import Annotated

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_slug
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from jingmin.apitypes import Offset, limit, page
from jingmin.audit import log as audit
from jingmin.messaging import actions, delivery, quota
from jingmin.messaging.campaigns import KIND_CHOICES
from jingmin.messaging.models import (
    Campaign,
    Channel,
    Contact,
    Delivery,
    DeliveryStatus,
    MessageTemplate,
    RetentionSettings,
    Tag,
    Tip,
)
from jingmin.org import roles
from jingmin.org.models import Unit, Village
from jingmin.org.scoping import user_unit

router = Router(tags=["messaging"])

Page = limit(500)
Code = Annotated[str, Field(max_length=60)]
Codes = Annotated[list[Code], Field(max_length=500)]
Ids = Annotated[list[int], Field(max_length=5000)]


def _get(queryset, **lookup):
    """The object, or 404 (also for one outside the caller's jurisdiction)."""
    return get_object_or_404(queryset, **lookup)


def _listed(queryset, limit, offset, out):
    return {"count": queryset.count(), "results": [out(o) for o in page(queryset, limit, offset)]}


def _resolve(field, queryset, codes, key="code", label=None):
    """Objects of ``queryset`` by ``key``; any code not found there (missing or out of scope) is a field
    error naming it, so an outsider's code reads exactly like a code that does not exist."""
    codes = list(dict.fromkeys(codes or []))
    found = {str(getattr(o, key)): o for o in queryset.filter(**{f"{key}__in": codes})}
    unknown = [str(c) for c in codes if str(c) not in found]
    if unknown:
        raise ValidationError({field: _("Unknown: %(codes)s") % {"codes": ", ".join(unknown[:20])}})
    return [found[str(c)] for c in codes]


def _choice(field, value, choices):
    if value not in {str(c) for c in choices}:
        raise ValidationError(
            {
                field: _("Select a valid choice. %(value)s is not one of the available choices.")
                % {"value": value}
            }
        )
    return value


# ---------------------------------------------------------------------------- channels


class QuotaOut(Schema):
    limit: int | None
    used: int
    remaining: int | None


class ChannelOut(Schema):
    slug: str
    name: str
    unit: str
    transport: str
    api_host: str
    monthly_quota: int | None
    is_active: bool
    has_secret: bool
    has_token: bool
    quota: QuotaOut
    remote_checked_at: datetime | None
    remote_error: str


class ChannelIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    slug: Annotated[str, Field(min_length=1, max_length=60)]
    transport: str = Channel.Transport.LINE
    line_channel_id: Annotated[str, Field(max_length=200)] = ""
    line_channel_secret: Annotated[str, Field(max_length=200)] = ""
    line_access_token: Annotated[str, Field(max_length=1000)] = ""
    api_host: Annotated[str, Field(max_length=200)] = ""
    monthly_quota: Annotated[int, Field(ge=0, le=100_000_000)] | None = None
    is_active: bool = True


class ChannelPatch(Schema):
    name: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    line_channel_id: Annotated[str, Field(max_length=200)] | None = None
    line_channel_secret: Annotated[str, Field(max_length=200)] | None = None
    line_access_token: Annotated[str, Field(max_length=1000)] | None = None
    api_host: Annotated[str, Field(max_length=200)] | None = None
    monthly_quota: Annotated[int, Field(ge=0, le=100_000_000)] | None = None
    is_active: bool | None = None


def channel_out(channel):
    check = quota.check(channel, 0)
    return {
        "slug": channel.slug,
        "name": channel.name,
        "unit": channel.unit.code,
        "transport": channel.transport,
        "api_host": channel.api_host,
        "monthly_quota": channel.monthly_quota,
        "is_active": channel.is_active,
        "has_secret": bool(channel.line_channel_secret),
        "has_token": bool(channel.line_access_token),
        "quota": {"limit": check.limit, "used": check.used, "remaining": check.remaining},
        "remote_checked_at": channel.remote_checked_at,
        "remote_error": channel.remote_error,
    }


def _channels(request, capability="messaging.view"):
    roles.require(request.user, capability)
    return Channel.objects.visible_to(request.user).select_related("unit")


@router.get("/messaging/channels", response=dict)
def list_channels(request, transport: str | None = None, limit: Page = 100, offset: Offset = 0):
    """The channels of the caller's jurisdiction (secrets are never shown, only whether they are set)."""
    channels = _channels(request)
    if transport:
        channels = channels.filter(transport=_choice("transport", transport, Channel.Transport.values))
    return _listed(channels, limit, offset, channel_out)


@router.get("/messaging/channels/{slug}", response=ChannelOut)
def get_channel(request, slug: str):
    return channel_out(_get(_channels(request), slug=slug))


@router.post("/messaging/channels", response={201: ChannelOut})
def create_channel(request, payload: ChannelIn):
    """Register a channel of the caller's station (station chiefs, administrators)."""
    roles.require(request.user, "messaging.manage_channels")
    unit = user_unit(request.user)
    if unit is None:
        raise PermissionDenied(_("You have no unit."))
    data = payload.dict()
    _choice("transport", data["transport"], Channel.Transport.values)
    try:
        validate_slug(data["slug"])
    except ValidationError as exc:
        raise ValidationError({"slug": exc.messages}) from exc
    channel = actions.save_channel(acting_user=request.user, unit=unit, **data)
    return 201, channel_out(channel)


@router.patch("/messaging/channels/{slug}", response=ChannelOut)
def update_channel(request, slug: str, payload: ChannelPatch):
    """Change a channel; the webhook name and the transport stay. Empty or absent secrets are kept."""
    channel = _get(_channels(request, "messaging.manage_channels"), slug=slug)
    data = payload.dict(exclude_unset=True)
    current = {
        "name": channel.name,
        "api_host": channel.api_host,
        "monthly_quota": channel.monthly_quota,
        "is_active": channel.is_active,
    }
    for key in ("name", "is_active", "api_host"):
        if data.get(key) is None:
            data.pop(key, None)
    channel = actions.save_channel(acting_user=request.user, channel=channel, **{**current, **data})
    return channel_out(channel)


@router.post("/messaging/channels/{slug}/refresh-quota", response={202: dict})
def refresh_channel_quota(request, slug: str):
    """Read the monthly quota and usage from LINE again (in the background; audited when it runs)."""
    channel = _get(_channels(request, "messaging.manage_channels"), slug=slug)
    from jingmin.messaging.tasks import refresh_quota

    refresh_quota.enqueue(channel.pk, request.user.pk)
    return 202, {"detail": _("The quota will be read from LINE in a moment.")}


@router.post("/messaging/channels/{slug}/refresh-names", response={202: dict})
def refresh_channel_names(request, slug: str):
    """Read the LINE display names of the channel's friends again (the station's own people only)."""
    channel = _get(
        _channels(request, "messaging.manage_contacts").filter(transport=Channel.Transport.LINE), slug=slug
    )
    if not _sees_line_ids(request.user, channel):
        raise PermissionDenied(_("Friends' names stay with the station."))
    from jingmin.messaging.tasks import refresh_friend_names

    refresh_friend_names.enqueue(channel.pk, request.user.pk)
    return 202, {"detail": _("The friends' LINE names will be read in a moment.")}


# ---------------------------------------------------------------------------- contacts and tags


def _sees_line_ids(user, contact_or_channel):
    """Resident LINE IDs and display names stay with the station: its own people, not above."""
    channel = getattr(contact_or_channel, "channel", contact_or_channel)
    unit = user_unit(user)
    return (
        roles.can(user, "messaging.manage_contacts")
        and unit is not None
        and unit.path.startswith(channel.unit.path)
    )


class ContactOut(Schema):
    id: int
    channel: str
    kind: str
    name: str
    address: str
    display_name: str | None
    unit: str
    village: str | None
    tags: list[str]
    partners: list[str]
    member_count: int
    status: str


class EmailContactIn(Schema):
    channel: Code
    name: Annotated[str, Field(min_length=1, max_length=120)]
    address: Annotated[str, Field(min_length=1, max_length=254)]
    tags: Codes = []


class ContactPatch(Schema):
    name: Annotated[str, Field(max_length=120)] | None = None
    unit: Code | None = None
    village: Code | None = None
    tags: Codes | None = None
    partners: Annotated[list[Annotated[str, Field(max_length=150)]], Field(max_length=500)] | None = None


def contact_out(contact, full=False):
    shows = full
    return {
        "id": contact.pk,
        "channel": contact.channel.slug,
        "kind": contact.kind,
        "name": contact.name,
        "address": contact.address if shows else contact.masked_address,
        "display_name": contact.display_name if shows else None,
        "unit": contact.unit.code,
        "village": contact.village.code if contact.village_id else None,
        "tags": sorted(t.code for t in contact.tags.all()),
        "partners": sorted(p.get_username() for p in contact.partners.all()),
        "member_count": contact.member_count,
        "status": contact.status,
    }


def _contacts(request, capability="messaging.view"):
    roles.require(request.user, capability)
    return (
        Contact.objects.visible_to(request.user)
        .select_related("channel", "channel__unit", "unit", "village")
        .prefetch_related("tags", "partners")
    )


def _contact_detail(request, contact):
    full = _sees_line_ids(request.user, contact)
    if full and (contact.address or contact.display_name):
        audit.record(
            "messaging.view_contact_address",
            actor=request.user,
            obj=contact,
            unit=contact.unit,
            extra={"display_name": bool(contact.display_name)},
        )
    return contact_out(contact, full=full)


@router.get("/messaging/tags", response=list[dict])
def list_tags(request):
    """The audience tags (village chiefs, building committees, watch teams …)."""
    roles.require(request.user, "messaging.view")
    return [{"code": t.code, "name": str(t)} for t in Tag.objects.all()]


@router.get("/messaging/contacts", response=dict)
def list_contacts(
    request,
    kind: str | None = None,
    status: str = Contact.Status.ACTIVE,
    channel: str | None = None,
    unit: str | None = None,
    village: str | None = None,
    tag: str | None = None,
    q: Annotated[str, Field(max_length=120)] | None = None,
    limit: Page = 100,
    offset: Offset = 0,
):
    """LINE groups, friends and e-mail addresses of the caller's jurisdiction (addresses masked;
    ``status=all`` for every status). Filters narrow: ``unit`` takes its whole subtree."""
    contacts = _contacts(request)
    if kind:
        contacts = contacts.filter(kind=_choice("kind", kind, Contact.Kind.values))
    if status != "all":
        contacts = contacts.filter(status=_choice("status", status, [*Contact.Status.values, "all"]))
    if channel:
        contacts = contacts.filter(channel__slug=channel)
    if unit:
        scope = Unit.objects.visible_to(request.user).filter(code=unit).first()
        contacts = contacts.filter(unit__path__startswith=scope.path) if scope else contacts.none()
    if village:
        contacts = contacts.filter(village__code=village)
    if tag:
        contacts = contacts.filter(tags__code=tag)
    if q:
        contacts = contacts.filter(name__icontains=q)
    return _listed(contacts.distinct(), limit, offset, contact_out)


@router.get("/messaging/contacts/{pk}", response=ContactOut)
def get_contact(request, pk: int):
    """One contact; the station's own people see the LINE ID or address (the read is audited)."""
    return _contact_detail(request, _get(_contacts(request), pk=pk))


@router.post("/messaging/contacts", response={201: ContactOut})
def create_contact(request, payload: EmailContactIn):
    """Add an e-mail address to an e-mail channel (LINE groups and friends arrive by webhook)."""
    roles.require(request.user, "messaging.manage_contacts")
    channels = Channel.objects.visible_to(request.user).filter(transport=Channel.Transport.EMAIL)
    found = _resolve("channel", channels, [payload.channel], key="slug")
    tags = _resolve("tags", Tag.objects.all(), payload.tags)
    contact = actions.add_contact(
        acting_user=request.user,
        channel=found[0],
        kind=Contact.Kind.EMAIL,
        name=payload.name,
        address=payload.address,
        tags=tags,
    )
    return 201, _contact_detail(request, _get(_contacts(request), pk=contact.pk))


@router.patch("/messaging/contacts/{pk}", response=ContactOut)
def update_contact(request, pk: int, payload: ContactPatch):
    """Name, place (beat of the channel's station, village) and tag a contact; name a group's partners."""
    contact = _get(_contacts(request, "messaging.manage_contacts"), pk=pk)
    if contact.status == Contact.Status.REMOVED:
        raise PermissionDenied(_("You do not have permission to do this."))
    data = payload.dict(exclude_unset=True)
    station = contact.channel.unit
    unit = contact.unit
    if data.get("unit") is not None:
        unit = _resolve("unit", Unit.objects.filter(path__startswith=station.path), [data["unit"]])[0]
    village = contact.village
    if "village" in data:
        village = None
        if data["village"]:
            village = _resolve("village", station.all_villages(), [data["village"]])[0]
    tags = list(contact.tags.all())
    if data.get("tags") is not None:
        tags = _resolve("tags", Tag.objects.all(), data["tags"])
    partners = list(contact.partners.all())
    if data.get("partners") is not None:
        eligible = get_user_model().objects.filter(
            groups__name=roles.COMMUNITY_PARTNER, officer__unit__path__startswith=station.path
        )
        partners = _resolve("partners", eligible, data["partners"], key="username")
    name = data["name"] if data.get("name") is not None else contact.name
    actions.update_contact(
        acting_user=request.user,
        contact=contact,
        name=name,
        unit=unit,
        village=village,
        tags=tags,
        partners=partners,
    )
    return _contact_detail(request, _get(_contacts(request), pk=pk))


@router.delete("/messaging/contacts/{pk}", response={204: None})
def delete_contact(request, pk: int):
    """Remove a contact at the resident's request: the address is forgotten, queued messages cancelled."""
    contact = _get(_contacts(request, "messaging.manage_contacts"), pk=pk)
    if contact.status == Contact.Status.REMOVED:
        raise PermissionDenied(_("You do not have permission to do this."))
    actions.remove_contact_at_request(acting_user=request.user, contact=contact)
    return 204, None


# ---------------------------------------------------------------------------- templates


class TemplateOut(Schema):
    id: int
    code: str
    shared: bool
    unit: str | None
    category: str
    scam_type: str
    title: str
    body: str
    link: str


class TemplateIn(Schema):
    category: Code
    title: Annotated[str, Field(min_length=1, max_length=120)]
    body: Annotated[str, Field(min_length=1, max_length=5000)]
    scam_type: Annotated[str, Field(max_length=60)] = ""
    link: Annotated[str, Field(max_length=200)] = ""


class TemplatePatch(Schema):
    category: Code | None = None
    title: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    body: Annotated[str, Field(min_length=1, max_length=5000)] | None = None
    scam_type: Annotated[str, Field(max_length=60)] | None = None
    link: Annotated[str, Field(max_length=200)] | None = None


def template_out(t):
    return {
        "id": t.pk,
        "code": t.code,
        "shared": t.unit_id is None,
        "unit": t.unit.code if t.unit_id else None,
        "category": t.category,
        "scam_type": t.scam_type,
        "title": t.title,
        "body": t.body,
        "link": t.link,
    }


def _templates(request):
    roles.require(request.user, "messaging.send")
    return MessageTemplate.objects.visible_to(request.user).select_related("unit")


def _template_fields(data):
    _choice("category", data["category"], MessageTemplate.Category.values)
    if data.get("link"):
        try:
            URLValidator()(data["link"])
        except ValidationError as exc:
            raise ValidationError({"link": exc.messages}) from exc
    return data


@router.get("/messaging/templates", response=dict)
def list_templates(request, category: str | None = None, limit: Page = 100, offset: Offset = 0):
    """The shared template library plus the templates of the caller's unit subtree."""
    templates = _templates(request)
    if category:
        templates = templates.filter(category=_choice("category", category, MessageTemplate.Category.values))
    return _listed(templates, limit, offset, template_out)


@router.get("/messaging/templates/{pk}", response=TemplateOut)
def get_template(request, pk: int):
    return template_out(_get(_templates(request), pk=pk))


@router.post("/messaging/templates", response={201: TemplateOut})
def create_template(request, payload: TemplateIn):
    roles.require(request.user, "messaging.send")
    template = actions.save_template(acting_user=request.user, **_template_fields(payload.dict()))
    return 201, template_out(template)


@router.patch("/messaging/templates/{pk}", response=TemplateOut)
def update_template(request, pk: int, payload: TemplatePatch):
    """Change a template of the caller's unit subtree (the shared ones are edited by administrators)."""
    template = _get(_templates(request), pk=pk)
    current = {
        "category": template.category,
        "title": template.title,
        "body": template.body,
        "scam_type": template.scam_type,
        "link": template.link,
    }
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    template = actions.save_template(
        acting_user=request.user, template=template, **_template_fields({**current, **data})
    )
    return template_out(template)


@router.delete("/messaging/templates/{pk}", response={204: None})
def delete_template(request, pk: int):
    actions.delete_template(acting_user=request.user, template=_get(_templates(request), pk=pk))
    return 204, None


# ---------------------------------------------------------------------------- campaigns


class ApprovalOut(Schema):
    station: str
    decision: str
    decided_by: str | None
    decided_at: datetime | None


class CampaignOut(Schema):
    id: int
    title: str
    text: str
    link: str
    status: str
    unit: str
    source: str
    template: int | None
    kinds: list[str]
    units: list[str]
    tags: list[str]
    villages: list[str]
    contacts: list[int]
    scheduled_for: datetime | None
    recipients: int
    cost: int
    created_at: datetime
    queued_at: datetime | None
    finished_at: datetime | None
    deliveries: dict[str, int]
    approvals: list[ApprovalOut]
    can_decide: bool


class CampaignIn(Schema):
    title: Annotated[str, Field(min_length=1, max_length=120)]
    text: Annotated[str, Field(max_length=10_000)] = ""
    link: Annotated[str, Field(max_length=1000)] = ""
    template: int | None = None
    values: Annotated[dict[Code, Annotated[str, Field(max_length=1000)]], Field(max_length=50)] = {}
    kinds: Annotated[list[Code], Field(max_length=10)] = []
    units: Codes = []
    tags: Codes = []
    villages: Codes = []
    contacts: Ids = []
    scheduled_for: datetime | None = None


class CampaignPatch(Schema):
    title: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    text: Annotated[str, Field(max_length=10_000)] | None = None
    link: Annotated[str, Field(max_length=1000)] | None = None
    template: int | None = None
    values: Annotated[dict[Code, Annotated[str, Field(max_length=1000)]], Field(max_length=50)] | None = None
    kinds: Annotated[list[Code], Field(max_length=10)] | None = None
    units: Codes | None = None
    tags: Codes | None = None
    villages: Codes | None = None
    contacts: Ids | None = None
    scheduled_for: datetime | None = None


class ScheduleIn(Schema):
    scheduled_for: datetime


class DispatchPlanOut(Schema):
    channel: str
    kind: str
    contacts: int
    cost: int


class QuotaPlanOut(Schema):
    channel: str
    limit: int | None
    used: int
    cost: int
    remaining: int | None
    fits: bool


class PreviewOut(Schema):
    ready: bool
    problems: list[str]
    recipients: int
    people: int
    messages: int
    cost: int
    needs_approval: bool
    stations: list[str]
    dispatches: list[DispatchPlanOut]
    quota: list[QuotaPlanOut]


class DeliveryOut(Schema):
    id: int
    contact: int
    contact_name: str
    kind: str
    channel: str
    status: str
    error: str
    sent_at: datetime | None


def campaign_out(campaign, user):
    return {
        "id": campaign.pk,
        "title": campaign.title,
        "text": campaign.text,
        "link": campaign.link,
        "status": campaign.status,
        "unit": campaign.unit.code,
        "source": campaign.source,
        "template": campaign.template_id,
        "kinds": list(campaign.audience_kinds or []),
        "units": [u.code for u in campaign.audience_units.all()],
        "tags": [t.code for t in campaign.audience_tags.all()],
        "villages": [v.code for v in campaign.audience_villages.all()],
        "contacts": sorted(campaign.audience_contacts.values_list("pk", flat=True)),
        "scheduled_for": campaign.scheduled_for,
        "recipients": campaign.recipients,
        "cost": campaign.cost,
        "created_at": campaign.created_at,
        "queued_at": campaign.queued_at,
        "finished_at": campaign.finished_at,
        "deliveries": delivery.status_counts(campaign),
        "approvals": [
            {
                "station": a.station.code,
                "decision": a.decision,
                "decided_by": a.decided_by.get_username() if a.decided_by_id else None,
                "decided_at": a.decided_at,
            }
            for a in campaign.approvals.select_related("station", "decided_by")
        ],
        "can_decide": bool(actions.approvable_by(user, campaign)),
    }


def campaign_summary(campaign):
    return {
        "id": campaign.pk,
        "title": campaign.title,
        "status": campaign.status,
        "unit": campaign.unit.code,
        "source": campaign.source,
        "scheduled_for": campaign.scheduled_for.isoformat() if campaign.scheduled_for else None,
        "recipients": campaign.recipients,
        "cost": campaign.cost,
        "created_at": campaign.created_at.isoformat(),
    }


def _campaigns(request, capability="messaging.view"):
    roles.require(request.user, capability)
    return Campaign.objects.visible_to(request.user).select_related("unit", "template")


def _to_decide(request):
    """The caller's campaigns plus those waiting for the approval of a station in the caller's
    jurisdiction (a precinct's campaign reaches the station chief who answers for its audience)."""
    roles.require(request.user, "messaging.view")
    mine = Campaign.objects.visible_to(request.user).values("pk")
    if roles.can(request.user, "messaging.approve"):
        stations = Unit.objects.visible_to(request.user).values("pk")
        waiting = Campaign.objects.filter(approvals__station__in=stations).values("pk")
        return Campaign.objects.filter(Q(pk__in=mine) | Q(pk__in=waiting)).select_related("unit", "template")
    return Campaign.objects.filter(pk__in=mine).select_related("unit", "template")


def _campaign_fields(request, data):
    """Request codes and ids → objects the caller may see (anything else is refused as unknown)."""
    user = request.user
    fields = {}
    if "title" in data:
        fields["title"] = data["title"]
    for key in ("text", "link"):
        if key in data:
            fields[key] = data[key] or ""
    if data.get("link"):
        try:
            URLValidator()(data["link"])
        except ValidationError as exc:
            raise ValidationError({"link": exc.messages}) from exc
    if "template" in data:
        fields["template"] = None
        if data["template"] is not None:
            fields["template"] = _resolve(
                "template", MessageTemplate.objects.visible_to(user), [data["template"]], key="pk"
            )[0]
    if "values" in data:
        fields["values"] = data["values"] or {}
    if "kinds" in data:
        fields["kinds"] = [
            _choice("kinds", k, [c for c, _label in KIND_CHOICES]) for k in data["kinds"] or []
        ]
    if "units" in data:
        units = Unit.objects.visible_to(user).exclude(kind=Unit.Kind.BUREAU)
        fields["units"] = _resolve("units", units, data["units"])
    if "tags" in data:
        fields["tags"] = _resolve("tags", Tag.objects.all(), data["tags"])
    if "villages" in data:
        fields["villages"] = _resolve("villages", Village.objects.visible_to(user), data["villages"])
    if "contacts" in data:
        contacts = Contact.objects.visible_to(user, "messaging.send")
        fields["contacts"] = _resolve("contacts", contacts, data["contacts"], key="pk")
    if "scheduled_for" in data:
        fields["scheduled_for"] = data["scheduled_for"]
    return fields


def _current_fields(campaign):
    """A draft's fields as ``save_campaign`` takes them (the text as it was rendered)."""
    return {
        "title": campaign.title,
        "text": campaign.text,
        "link": campaign.link,
        "image_alt": campaign.image_alt,
        "template": campaign.template,
        "kinds": list(campaign.audience_kinds or []),
        "units": list(campaign.audience_units.all()),
        "tags": list(campaign.audience_tags.all()),
        "villages": list(campaign.audience_villages.all()),
        "contacts": list(campaign.audience_contacts.all()),
        "scheduled_for": campaign.scheduled_for,
    }


@router.get("/messaging/campaigns", response=dict)
def list_campaigns(request, status: str | None = None, limit: Page = 100, offset: Offset = 0):
    """Campaigns of the caller's jurisdiction, newest first."""
    campaigns = _campaigns(request)
    if status:
        campaigns = campaigns.filter(status=_choice("status", status, Campaign.Status.values))
    return _listed(campaigns, limit, offset, campaign_summary)


@router.get("/messaging/campaigns/{pk}", response=CampaignOut)
def get_campaign(request, pk: int):
    """A campaign with its audience, delivery counts by status and approvals."""
    return campaign_out(_get(_to_decide(request), pk=pk), request.user)


@router.post("/messaging/campaigns", response={201: CampaignOut})
def create_campaign(request, payload: CampaignIn):
    """Write a draft. ``template`` (id) fills an empty text; ``values`` fill its {placeholders}."""
    roles.require(request.user, "messaging.send")
    fields = _campaign_fields(request, payload.dict())
    campaign = actions.save_campaign(acting_user=request.user, source="api", **fields)
    return 201, campaign_out(campaign, request.user)


@router.patch("/messaging/campaigns/{pk}", response=CampaignOut)
def update_campaign(request, pk: int, payload: CampaignPatch):
    """Change a draft (only a draft can be changed); absent fields keep their value."""
    campaign = _get(_campaigns(request, "messaging.send"), pk=pk)
    data = payload.dict(exclude_unset=True)
    if data.get("title") is None:
        data.pop("title", None)
    fields = {**_current_fields(campaign), **_campaign_fields(request, data)}
    campaign = actions.save_campaign(acting_user=request.user, campaign=campaign, **fields)
    return campaign_out(campaign, request.user)


@router.get("/messaging/campaigns/{pk}/preview", response=PreviewOut)
def preview_campaign(request, pk: int):
    """What sending would do now: requests per channel, the quota cost, whether approval is needed,
    and the reasons it would be refused (``ready`` false with ``problems``)."""
    campaign = _get(_campaigns(request, "messaging.send"), pk=pk)
    plan, problems = actions.preview(campaign, request.user)
    if plan is None:
        return {
            "ready": False,
            "problems": problems,
            "recipients": 0,
            "people": 0,
            "messages": 0,
            "cost": 0,
            "needs_approval": False,
            "stations": [],
            "dispatches": [],
            "quota": [],
        }
    slugs = {d.channel.pk: d.channel.slug for d in plan.dispatches}
    return {
        "ready": not problems and campaign.status == Campaign.Status.DRAFT,
        "problems": problems,
        "recipients": plan.recipients,
        "people": plan.people,
        "messages": len(plan.messages),
        "cost": plan.cost,
        "needs_approval": plan.needs_approval,
        "stations": [s.code for s in plan.stations],
        "dispatches": [
            {"channel": d.channel.slug, "kind": d.kind, "contacts": len(d.contacts), "cost": d.cost}
            for d in plan.dispatches
        ],
        "quota": [
            {
                "channel": slugs.get(q.channel_id, q.channel_name),
                "limit": q.limit,
                "used": q.used,
                "cost": q.cost,
                "remaining": q.remaining,
                "fits": q.fits,
            }
            for q in plan.quota
        ],
    }


@router.post("/messaging/campaigns/{pk}/send", response=CampaignOut)
def send_campaign(request, pk: int):
    """Queue a draft, as the page's Send button: it goes out now (or at its ``scheduled_for``); a
    campaign reaching several stations waits for their approval (status ``pending_approval``)."""
    campaign = _get(_campaigns(request), pk=pk)
    campaign = actions.queue_campaign(acting_user=request.user, campaign=campaign)
    return campaign_out(campaign, request.user)


@router.post("/messaging/campaigns/{pk}/schedule", response=CampaignOut)
def schedule_campaign(request, pk: int, payload: ScheduleIn):
    """Set a draft's sending time and queue it (it waits until then; approval first when needed)."""
    campaign = _get(_campaigns(request), pk=pk)
    roles.require(request.user, "messaging.send")
    fields = {**_current_fields(campaign), "scheduled_for": payload.scheduled_for}
    campaign = actions.save_campaign(acting_user=request.user, campaign=campaign, **fields)
    campaign = actions.queue_campaign(acting_user=request.user, campaign=campaign)
    return campaign_out(campaign, request.user)


@router.post("/messaging/campaigns/{pk}/approve", response=CampaignOut)
def approve_campaign(request, pk: int):
    """Approve for the stations the caller answers for (not one's own campaign)."""
    campaign = _get(_to_decide(request), pk=pk)
    campaign = actions.decide(acting_user=request.user, campaign=campaign, approve=True)
    return campaign_out(campaign, request.user)


@router.post("/messaging/campaigns/{pk}/reject", response=CampaignOut)
def reject_campaign(request, pk: int):
    campaign = _get(_to_decide(request), pk=pk)
    campaign = actions.decide(acting_user=request.user, campaign=campaign, approve=False)
    return campaign_out(campaign, request.user)


@router.post("/messaging/campaigns/{pk}/cancel", response=CampaignOut)
def cancel_campaign(request, pk: int):
    """Stop what has not gone out yet (requests already on the wire finish)."""
    campaign = _get(_campaigns(request), pk=pk)
    campaign = actions.cancel_campaign(acting_user=request.user, campaign=campaign)
    return campaign_out(campaign, request.user)


@router.get("/messaging/campaigns/{pk}/deliveries", response=dict)
def list_deliveries(request, pk: int, status: str | None = None, limit: Page = 100, offset: Offset = 0):
    """One row per recipient: status, error and time sent (no LINE IDs or addresses)."""
    campaign = _get(_campaigns(request), pk=pk)
    deliveries = (
        Delivery.objects.filter(campaign=campaign)
        .select_related("contact", "contact__channel")
        .order_by("id")
    )
    if status:
        deliveries = deliveries.filter(status=_choice("status", status, DeliveryStatus.values))

    def out(d):
        return {
            "id": d.pk,
            "contact": d.contact_id,
            "contact_name": str(d.contact),
            "kind": d.contact.kind,
            "channel": d.contact.channel.slug,
            "status": d.status,
            "error": d.error,
            "sent_at": d.sent_at.isoformat() if d.sent_at else None,
        }

    return _listed(deliveries, limit, offset, out)


# ---------------------------------------------------------------------------- tips


class TipOut(Schema):
    tracking_code: str
    unit: str
    source: str
    kind: str
    text: str
    latitude: float | None
    longitude: float | None
    address: str
    has_image: bool
    status: str
    received_at: datetime
    closed_at: datetime | None
    group: str | None


class TipPatch(Schema):
    status: Code


def tip_out(tip):
    return {
        "tracking_code": tip.tracking_code,
        "unit": tip.unit.code,
        "source": tip.source,
        "kind": tip.kind,
        "text": tip.text,
        "latitude": tip.latitude,
        "longitude": tip.longitude,
        "address": tip.address,
        "has_image": bool(tip.image),
        "status": tip.status,
        "received_at": tip.received_at.isoformat(),
        "closed_at": tip.closed_at.isoformat() if tip.closed_at else None,
        "group": str(tip.group) if tip.group_id else None,
    }


def _tips(request):
    roles.require(request.user, "messaging.read_tips")
    return Tip.objects.visible_to(request.user).select_related("unit", "group")


@router.get("/messaging/tips", response=dict)
def list_tips(request, status: str | None = None, limit: Page = 100, offset: Offset = 0):
    """Tips received by the caller's stations (resident LINE IDs are never included); the read is audited."""
    tips = _tips(request)
    if status:
        tips = tips.filter(status=_choice("status", status, Tip.Status.values))
    body = _listed(tips, limit, offset, tip_out)
    audit.record(
        "messaging.list_tips",
        actor=request.user,
        obj=("messaging.tip", "*"),
        extra={"count": len(body["results"]), "offset": offset},
    )
    return body


@router.get("/messaging/tips/{code}", response=TipOut)
def get_tip(request, code: str):
    tip = _get(_tips(request), tracking_code=code)
    audit.record("messaging.view_tip", actor=request.user, obj=tip, unit=tip.unit)
    return tip_out(tip)


@router.patch("/messaging/tips/{code}", response=TipOut)
def update_tip(request, code: str, payload: TipPatch):
    """Mark a tip new, read or closed (closing starts its retention period)."""
    tip = _get(_tips(request), tracking_code=code)
    status = _choice("status", payload.status, Tip.Status.values)
    return tip_out(actions.set_tip_status(acting_user=request.user, tip=tip, status=status))


# ---------------------------------------------------------------------------- retention


class RetentionOut(Schema):
    closed_tip_days: int
    webhook_event_days: int
    due_tips: int
    due_events: int


class RetentionIn(Schema):
    closed_tip_days: int
    webhook_event_days: int


class PurgeOut(Schema):
    tips: int
    images: int
    events: int


def _retention_out(config):
    due = actions.purge_expired(dry_run=True)
    return {
        "closed_tip_days": config.closed_tip_days,
        "webhook_event_days": config.webhook_event_days,
        "due_tips": due["tips"],
        "due_events": due["events"],
    }


@router.get("/messaging/retention", response=RetentionOut)
def get_retention(request):
    """How long closed tips and webhook event records are kept, and how many are due for deletion."""
    roles.require(request.user, "messaging.manage_retention")
    return _retention_out(RetentionSettings.get())


@router.put("/messaging/retention", response=RetentionOut)
def put_retention(request, payload: RetentionIn):
    """Change the retention periods (administrators; closed tips 30..3650 days, events 7..3650)."""
    config = actions.save_retention(
        acting_user=request.user,
        closed_tip_days=payload.closed_tip_days,
        webhook_event_days=payload.webhook_event_days,
    )
    return _retention_out(config)


@router.post("/messaging/retention/purge", response=PurgeOut)
def purge_retention(request):
    """Delete now what is past its retention period (the nightly job does the same)."""
    roles.require(request.user, "messaging.manage_retention")
    return actions.purge_expired(acting_user=request.user)
