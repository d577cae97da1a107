"""Pages: campaigns (compose, preview, send, live status), templates, channels, audiences, tips; the webhook."""

import logging
import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from jingmin.audit import log as audit
from jingmin.messaging import actions, delivery
from jingmin.messaging.forms import (
    CampaignForm,
    ChannelForm,
    ContactForm,
    EmailContactForm,
    RetentionForm,
    TemplateForm,
)
from jingmin.messaging.models import (
    Campaign,
    Channel,
    Contact,
    Delivery,
    Dispatch,
    MessageTemplate,
    RetentionSettings,
    Tip,
)
from jingmin.messaging.transports.line import parse_body, verify_signature
from jingmin.org import roles, workers
from jingmin.org.scoping import user_unit

logger = logging.getLogger("jingmin.messaging.webhook")


def _form_errors(form, exc):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# ---------------------------------------------------------------------------- campaigns


@login_required
def campaign_list(request):
    roles.require_page(request.user, "messaging.view")
    campaigns = Campaign.objects.visible_to(request.user).select_related("unit", "created_by")
    status = request.GET.get("status")
    if status in Campaign.Status.values:
        campaigns = campaigns.filter(status=status)
    page = Paginator(campaigns, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "messaging/campaign_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Campaign.Status.choices,
            "can_send": roles.can(request.user, "messaging.send"),
        },
    )


def _campaign_kwargs(data):
    return {
        "title": data["title"],
        "text": data["text"],
        "link": data["link"],
        "image": data["image"],
        "image_alt": data["image_alt"],
        "remove_image": data.get("remove_image", False),
        "template": data["template"],
        "units": data["units"],
        "tags": data["tags"],
        "villages": data["villages"],
        "kinds": data["kinds"],
        "scheduled_for": data["scheduled_for"],
    }


@login_required
def campaign_compose(request, pk=None):
    roles.require_page(request.user, "messaging.send")
    campaign = None
    if pk is not None:
        campaign = get_object_or_404(Campaign.objects.visible_to(request.user), pk=pk)
        if not campaign.is_editable:
            return redirect("messaging:campaign_detail", pk=campaign.pk)
    initial = {"kinds": ["group", "user", "email"]}
    if campaign is not None:
        initial = {
            "title": campaign.title,
            "text": campaign.text,
            "link": campaign.link,
            "image_alt": campaign.image_alt,
            "template": campaign.template,
            "kinds": campaign.audience_kinds,
            "units": campaign.audience_units.all(),
            "tags": campaign.audience_tags.all(),
            "villages": campaign.audience_villages.all(),
            "scheduled_for": campaign.scheduled_for,
        }
    elif request.GET.get("template"):
        template = MessageTemplate.objects.visible_to(request.user).filter(pk=request.GET["template"]).first()
        if template is not None:
            initial.update(title=template.title, text=template.body, link=template.link, template=template)
    form = CampaignForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = actions.save_campaign(
                acting_user=request.user, campaign=campaign, **_campaign_kwargs(form.cleaned_data)
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect("messaging:campaign_detail", pk=campaign.pk)
    return render(request, "messaging/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
def campaign_detail(request, pk):
    roles.require_page(request.user, "messaging.view")
    campaign = get_object_or_404(
        Campaign.objects.visible_to(request.user).select_related("unit", "created_by"), pk=pk
    )
    context = {"campaign": campaign, "can_send": roles.can(request.user, "messaging.send")}
    if campaign.is_editable:
        context["plan"], context["problems"] = actions.preview(campaign, request.user)
    context["approvals"] = campaign.approvals.select_related("station", "decided_by")
    context["my_approvals"] = actions.approvable_by(request.user, campaign)
    context.update(_status_context(campaign))
    return render(request, "messaging/campaign_detail.html", context)


def _status_context(campaign):
    counts = delivery.status_counts(campaign)
    failures = (
        Delivery.objects.filter(campaign=campaign, status__in=["failed", "retrying"])
        .select_related("contact")
        .order_by("status", "id")[:50]
    )
    return {
        "counts": counts,
        "waiting_for_worker": workers.waiting_for_worker(
            counts["queued"] + counts["sending"] + counts["retrying"]
        ),
        "total": sum(counts.values()),
        "failures": failures,
        "live": campaign.status
        in (Campaign.Status.SENDING, Campaign.Status.SCHEDULED, Campaign.Status.PENDING_APPROVAL),
        "retries": sum(
            max(0, a - 1)
            for a in Dispatch.objects.filter(campaign=campaign).values_list("attempts", flat=True)
        ),
    }


@login_required
def campaign_status(request, pk):
    """The live status block, polled by htmx (hx-get … hx-trigger="every 2s") while the campaign is open."""
    roles.require_page(request.user, "messaging.view")
    campaign = get_object_or_404(Campaign.objects.visible_to(request.user), pk=pk)
    response = render(
        request, "messaging/_campaign_status.html", {"campaign": campaign, **_status_context(campaign)}
    )
    if campaign.status not in (
        Campaign.Status.SENDING,
        Campaign.Status.SCHEDULED,
        Campaign.Status.PENDING_APPROVAL,
    ):
        response["HX-Trigger"] = "campaign-finished"
    return response


@login_required
@require_POST
def campaign_action(request, pk, action):
    roles.require_page(request.user, "messaging.view")
    campaign = get_object_or_404(Campaign.objects.visible_to(request.user), pk=pk)
    try:
        if action == "send":
            actions.queue_campaign(acting_user=request.user, campaign=campaign)
            messages.success(request, _("The campaign is queued."))
        elif action == "approve":
            actions.decide(acting_user=request.user, campaign=campaign, approve=True)
            messages.success(request, _("Approved."))
        elif action == "reject":
            actions.decide(acting_user=request.user, campaign=campaign, approve=False)
            messages.success(request, _("Rejected."))
        elif action == "cancel":
            actions.cancel_campaign(acting_user=request.user, campaign=campaign)
            messages.success(request, _("The campaign is cancelled."))
        else:
            raise Http404
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    return redirect("messaging:campaign_detail", pk=campaign.pk)


def campaign_image(request, name):
    """Campaign images, public by design (LINE's servers fetch them); names are random UUIDs."""
    if "/" in name or ".." in name:
        raise Http404
    path = settings.MEDIA_ROOT / "messaging" / name
    if not path.is_file():
        raise Http404
    response = FileResponse(open(path, "rb"), content_type=mimetypes.guess_type(name)[0] or "image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response


# ---------------------------------------------------------------------------- templates


@login_required
def template_list(request):
    roles.require_page(request.user, "messaging.send")
    templates = MessageTemplate.objects.visible_to(request.user)
    category = request.GET.get("category")
    if category in MessageTemplate.Category.values:
        templates = templates.filter(category=category)
    return render(
        request,
        "messaging/template_list.html",
        {
            "templates": templates,
            "category": category,
            "categories": MessageTemplate.Category.choices,
        },
    )


@login_required
def template_create(request):
    roles.require_page(request.user, "messaging.send")
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_template(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Template saved."))
            return redirect("messaging:template_list")
    return render(request, "messaging/template_form.html", {"form": form})


# ---------------------------------------------------------------------------- channels and audiences


@login_required
def channel_list(request):
    roles.require_page(request.user, "messaging.view")
    channels = Channel.objects.visible_to(request.user).select_related("unit")
    from jingmin.messaging import quota

    rows = [(c, quota.check(c, 0)) for c in channels]
    return render(
        request,
        "messaging/channel_list.html",
        {
            "rows": rows,
            "can_manage": roles.can(request.user, "messaging.manage_channels"),
        },
    )


@login_required
def channel_edit(request, slug=None):
    roles.require_page(request.user, "messaging.manage_channels")
    channel = get_object_or_404(Channel.objects.visible_to(request.user), slug=slug) if slug else None
    initial = {"transport": Channel.Transport.LINE, "is_active": True}
    if channel is not None:
        initial = {
            "name": channel.name,
            "slug": channel.slug,
            "transport": channel.transport,
            "api_host": channel.api_host,
            "monthly_quota": channel.monthly_quota,
            "is_active": channel.is_active,
        }
    form = ChannelForm(request.POST or None, initial=initial)
    if channel is not None:
        form.fields["slug"].disabled = True
        form.fields["transport"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if channel is None:
                unit = user_unit(request.user)
                if unit is None:
                    raise PermissionDenied(_("You have no unit."))
                channel = actions.save_channel(acting_user=request.user, unit=unit, **data)
            else:
                data.pop("slug"), data.pop("transport")
                channel = actions.save_channel(acting_user=request.user, channel=channel, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Channel saved."))
            return redirect("messaging:channel_list")
    webhook_url = request.build_absolute_uri(f"/hooks/line/{channel.slug}") if channel else None
    return render(
        request, "messaging/channel_form.html", {"form": form, "channel": channel, "webhook_url": webhook_url}
    )


@login_required
@require_POST
def channel_refresh_quota(request, slug):
    roles.require_page(request.user, "messaging.manage_channels")
    channel = get_object_or_404(Channel.objects.visible_to(request.user), slug=slug)
    from jingmin.messaging.tasks import refresh_quota

    refresh_quota.enqueue(channel.pk, request.user.pk)
    messages.success(request, _("The quota will be read from LINE in a moment."))
    return redirect("messaging:channel_list")


@login_required
def contact_list(request):
    roles.require_page(request.user, "messaging.view")
    contacts = (
        Contact.objects.visible_to(request.user)
        .select_related("channel", "unit", "village")
        .prefetch_related("tags")
    )
    kind = request.GET.get("kind")
    if kind in Contact.Kind.values:
        contacts = contacts.filter(kind=kind)
    status = request.GET.get("status", "active")
    if status in Contact.Status.values:
        contacts = contacts.filter(status=status)
    page = Paginator(contacts, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "messaging/contact_list.html",
        {
            "page": page,
            "kind": kind,
            "status": status,
            "kinds": Contact.Kind.choices,
            "statuses": Contact.Status.choices,
            "can_manage": roles.can(request.user, "messaging.manage_contacts"),
            "email_channels": Channel.objects.visible_to(request.user).filter(
                transport=Channel.Transport.EMAIL
            ),
            "line_channels": [
                c
                for c in Channel.objects.visible_to(request.user).filter(
                    transport=Channel.Transport.LINE, is_active=True
                )
                if _sees_line_ids(request.user, c)
            ]
            if roles.can(request.user, "messaging.manage_contacts")
            else [],
        },
    )


@login_required
@require_POST
def contact_refresh_names(request, slug):
    """Read the LINE display names of the channel's friends again (in the background)."""
    roles.require_page(request.user, "messaging.manage_contacts")
    channel = get_object_or_404(
        Channel.objects.visible_to(request.user), slug=slug, transport=Channel.Transport.LINE
    )
    if not _sees_line_ids(request.user, channel):
        raise PermissionDenied(_("Friends' names stay with the station."))
    from jingmin.messaging.tasks import refresh_friend_names

    refresh_friend_names.enqueue(channel.pk, request.user.pk)
    messages.success(request, _("The friends' LINE names will be read in a moment."))
    return redirect("messaging:contact_list")


def _sees_line_ids(user, contact_or_channel):
    """Resident LINE IDs (and LINE display names) stay with the station: shown to its own people
    (station or beat), not above."""
    channel = getattr(contact_or_channel, "channel", contact_or_channel)
    unit = user_unit(user)
    return (
        roles.can(user, "messaging.manage_contacts")
        and unit is not None
        and unit.path.startswith(channel.unit.path)
    )


@login_required
def contact_detail(request, pk):
    roles.require_page(request.user, "messaging.view")
    contact = get_object_or_404(
        Contact.objects.visible_to(request.user).select_related("channel", "unit"), pk=pk
    )
    can_manage = (
        roles.can(request.user, "messaging.manage_contacts") and contact.status != Contact.Status.REMOVED
    )
    initial = {
        "name": contact.name,
        "unit": contact.unit,
        "village": contact.village,
        "tags": contact.tags.all(),
        "partners": contact.partners.all(),
    }
    form = ContactForm(request.POST or None, contact=contact, initial=initial)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(_("You do not have permission to do this."))
        if request.POST.get("remove"):
            actions.remove_contact_at_request(acting_user=request.user, contact=contact)
            messages.success(request, _("The contact is removed and its address forgotten."))
            return redirect("messaging:contact_list")
        if form.is_valid():
            try:
                actions.update_contact(acting_user=request.user, contact=contact, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("messaging:contact_detail", pk=contact.pk)
    show_id = _sees_line_ids(request.user, contact)
    if show_id and (contact.address or contact.display_name):
        audit.record(
            "messaging.view_contact_address",
            actor=request.user,
            obj=contact,
            unit=contact.unit,
            extra={"display_name": bool(contact.display_name)},
        )
    deliveries = contact.deliveries.select_related("campaign").order_by("-id")[:20]
    return render(
        request,
        "messaging/contact_detail.html",
        {
            "contact": contact,
            "form": form,
            "can_manage": can_manage,
            "show_id": show_id,
            "deliveries": deliveries,
        },
    )


@login_required
def contact_add_email(request, slug):
    roles.require_page(request.user, "messaging.manage_contacts")
    channel = get_object_or_404(
        Channel.objects.visible_to(request.user), slug=slug, transport=Channel.Transport.EMAIL
    )
    form = EmailContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = actions.add_contact(
                acting_user=request.user, channel=channel, kind=Contact.Kind.EMAIL, **form.cleaned_data
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect("messaging:contact_detail", pk=contact.pk)
    return render(request, "messaging/contact_add.html", {"form": form, "channel": channel})


# ---------------------------------------------------------------------------- tips


@login_required
def tip_list(request):
    roles.require_page(request.user, "messaging.read_tips")
    tips = Tip.objects.visible_to(request.user).select_related("unit", "group")
    status = request.GET.get("status")
    if status in Tip.Status.values:
        tips = tips.filter(status=status)
    page = Paginator(tips, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "messaging/tip_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Tip.Status.choices,
            "retention": RetentionSettings.get(),
        },
    )


@login_required
def tip_detail(request, code):
    roles.require_page(request.user, "messaging.read_tips")
    tip = get_object_or_404(
        Tip.objects.visible_to(request.user).select_related("unit", "group", "sender"), tracking_code=code
    )
    if request.method == "POST":
        status = request.POST.get("status")
        if status in Tip.Status.values:
            actions.set_tip_status(acting_user=request.user, tip=tip, status=status)
            messages.success(request, _("Saved."))
        return redirect("messaging:tip_detail", code=tip.tracking_code)
    audit.record("messaging.view_tip", actor=request.user, obj=tip, unit=tip.unit)
    if tip.status == Tip.Status.NEW:
        actions.set_tip_status(acting_user=request.user, tip=tip, status=Tip.Status.READ)
    return render(request, "messaging/tip_detail.html", {"tip": tip})


@login_required
def tip_image(request, code):
    roles.require_page(request.user, "messaging.read_tips")
    tip = get_object_or_404(Tip.objects.visible_to(request.user), tracking_code=code)
    if not tip.image:
        raise Http404
    return FileResponse(tip.image.open("rb"), content_type="image/jpeg")


@login_required
def partner_messages(request):
    """A community partner reads the messages of their own groups that mention the account."""
    roles.require_page(request.user, "messaging.partner_messages")
    tips = Tip.objects.for_partner(request.user).select_related("group")[:200]
    return render(request, "messaging/partner_messages.html", {"tips": tips})


# ---------------------------------------------------------------------------- retention


@login_required
def retention(request):
    """How long closed tips and webhook event records are kept; what is due for deletion; purge now."""
    roles.require_page(request.user, "messaging.manage_retention")
    config = RetentionSettings.get()
    form = RetentionForm(
        request.POST if request.method == "POST" and "save" in request.POST else None,
        initial={"closed_tip_days": config.closed_tip_days, "webhook_event_days": config.webhook_event_days},
    )
    if request.method == "POST":
        if "purge" in request.POST:
            counts = actions.purge_expired(acting_user=request.user)
            messages.success(
                request,
                _("Deleted %(tips)s closed tips (%(images)s images) and %(events)s webhook event records.")
                % counts,
            )
            return redirect("messaging:retention")
        if form.is_valid():
            try:
                actions.save_retention(acting_user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("messaging:retention")
    due = actions.purge_expired(dry_run=True)
    return render(
        request,
        "messaging/retention.html",
        {
            "form": form,
            "config": config,
            "due": due,
            "open_tips": Tip.objects.exclude(status="closed").count(),
        },
    )


# ---------------------------------------------------------------------------- webhook


@csrf_exempt
def line_webhook(request, slug):
    """LINE webhook: signature first (401), then a LINE event body (400), then each event once."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    channel = Channel.objects.filter(slug=slug, transport=Channel.Transport.LINE, is_active=True).first()
    if channel is None:
        return JsonResponse({"detail": "unknown channel"}, status=404)
    limit = delivery.cfg("WEBHOOK_MAX_BYTES")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        logger.warning("LINE webhook %s: %s-byte body refused unread (limit %s)", slug, declared, limit)
        return JsonResponse({"detail": "body too large"}, status=413)
    try:
        body = request.body
    except RequestDataTooBig:
        return JsonResponse({"detail": "body too large"}, status=413)
    if len(body) > limit:
        return JsonResponse({"detail": "body too large"}, status=413)
    if not verify_signature(channel.line_channel_secret, body, request.headers.get("x-line-signature")):
        logger.warning(
            "LINE webhook %s: bad or missing signature from %s", slug, request.META.get("REMOTE_ADDR")
        )
        return JsonResponse({"detail": "invalid signature"}, status=401)
    try:
        destination, events = parse_body(body)
    except ValueError as exc:
        logger.warning("LINE webhook %s: rejected body: %s", slug, exc)
        return JsonResponse({"detail": str(exc)}, status=400)
    counts = actions.receive_line_events(channel=channel, events=events, destination=destination)
    return JsonResponse(counts)
