"""Channels, audiences (LINE groups, friends, e-mail contacts), campaigns, deliveries, webhook events, tips.

Delivery model: a :class:`Campaign` reaches many :class:`Contact`\\ s; each contact gets one
:class:`Delivery` row. Deliveries are grouped into :class:`Dispatch`\\ es, one per outbound request
(a push to one group or user, a multicast to at most 500 users, one e-mail). The dispatch carries
the ``X-Line-Retry-Key`` chosen when it is created — before any request — so every retry, by any
worker, after any crash, reuses it and LINE never delivers it twice. Workers claim dispatches with
a lease (``lease_token``/``lease_until``, see :mod:`jingmin.messaging.delivery`).
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jingmin.org.crypto import EncryptedTextField, blind_index, mask
from jingmin.org.models import Unit, Village
from jingmin.org.scoping import ScopedManager, ScopedQuerySet


class Channel(models.Model):
    """A station's outbound channel: its LINE official account, or an e-mail sender."""

    class Transport(models.TextChoices):
        LINE = "line", _("LINE official account")
        EMAIL = "email", _("E-mail")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="channels", verbose_name=_("unit"))
    slug = models.SlugField(_("webhook name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)
    transport = models.CharField(_("transport"), max_length=10, choices=Transport.choices)
    line_channel_id = EncryptedTextField(_("LINE channel ID"), blank=True)
    line_channel_secret = EncryptedTextField(_("LINE channel secret"), blank=True)
    line_access_token = EncryptedTextField(_("LINE channel access token"), blank=True)
    api_host = models.CharField(
        _("API host"),
        max_length=200,
        blank=True,
        help_text=_("https://api.line.me in production; empty: messages are written to the console."),
    )
    monthly_quota = models.PositiveIntegerField(
        _("monthly message quota"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    remote_usage = models.PositiveIntegerField(_("usage reported by LINE"), null=True, blank=True)
    remote_checked_at = models.DateTimeField(null=True, blank=True)
    remote_error = models.TextField(_("last quota refresh error"), blank=True)
    remote_error_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["unit__path", "name"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self):
        return self.name

    @property
    def uses_console(self):
        """A LINE channel without API host or token writes to the console (the embedded default)."""
        return self.transport == self.Transport.LINE and not (self.api_host and self.line_access_token)


class Tag(models.Model):
    """An audience label: village chiefs, building committee, security guards, watch team, residents…"""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") and self.name_en else self.name


class Contact(models.Model):
    """One audience member of a channel: a LINE group or room, a LINE friend, or an e-mail address.

    ``address`` (the LINE ID or e-mail address) is personal data: stored encrypted, looked up by its
    blind index, shown masked outside the owning station.
    """

    class Kind(models.TextChoices):
        GROUP = "group", _("LINE group")
        ROOM = "room", _("LINE chat room")
        USER = "user", _("LINE friend")
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        LEFT = "left", _("bot left the group")
        UNFOLLOWED = "unfollowed", _("blocked or unfriended the account")
        REMOVED = "removed", _("removed at the resident's request")

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="contacts")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    address = EncryptedTextField(blank=True)
    address_hash = models.CharField(max_length=64)
    name = models.CharField(_("name"), max_length=120, blank=True)
    # a friend's LINE display name (GET /v2/bot/profile/{userId}): personal data, encrypted, station only
    display_name = EncryptedTextField(_("LINE display name"), blank=True)
    profile_checked_at = models.DateTimeField(null=True, blank=True)
    village = models.ForeignKey(
        Village, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("village")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="contacts", verbose_name=_("tags"))
    member_count = models.PositiveIntegerField(_("members"), default=1)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    partners = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="partner_groups",
        verbose_name=_("community partners who may read this group's messages"),
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["kind", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "address_hash"], name="one_contact_per_address")
        ]
        indexes = [models.Index(fields=["channel", "status"])]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return self.name or f"{self.get_kind_display()} {self.masked_address}"

    @staticmethod
    def hash_address(address):
        return blind_index(address, "messaging.contact")

    @property
    def masked_address(self):
        return mask(self.address) if self.kind != self.Kind.EMAIL else mask(self.address, 3)

    @property
    def is_line_user(self):
        return self.kind == self.Kind.USER


class TemplateQuerySet(ScopedQuerySet):
    default_capability = "messaging.send"

    def scope_filter(self, unit):
        """The shared library (no unit) plus the templates of the user's unit subtree."""
        return self.filter(Q(unit__isnull=True) | Q(unit__path__startswith=unit.path))


class MessageTemplate(models.Model):
    """A reusable message with ``{placeholders}`` (see :mod:`jingmin.messaging.templating`)."""

    class Category(models.TextChoices):
        FRAUD = "fraud", _("Anti-fraud alert")
        MISSING = "missing", _("Missing-person notice")
        MEETING = "meeting", _("Meeting notice")
        GENERAL = "general", _("General")

    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    code = models.SlugField(max_length=60, blank=True)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    scam_type = models.CharField(_("scam type"), max_length=60, blank=True)
    title = models.CharField(_("subject"), max_length=120)
    body = models.TextField(_("text"))
    link = models.URLField(_("link"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TemplateQuerySet.as_manager()

    class Meta:
        ordering = ["category", "scam_type", "title"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")

    def __str__(self):
        return self.title


def campaign_image_path(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"messaging/{uuid.uuid4().hex}.{ext}"


class Campaign(models.Model):
    """A message to an audience: composed, previewed, approved when needed, sent now or at a time."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PENDING_APPROVAL = "pending", _("waiting for approval")
        SCHEDULED = "scheduled", _("scheduled")
        SENDING = "sending", _("sending")
        DONE = "done", _("finished")
        CANCELLED = "cancelled", _("cancelled")
        REJECTED = "rejected", _("rejected")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    title = models.CharField(_("subject"), max_length=120)
    text = models.TextField(_("text"), blank=True)
    link = models.URLField(_("link"), blank=True, max_length=1000)
    image = models.FileField(_("image"), upload_to=campaign_image_path, blank=True)
    image_preview = models.FileField(upload_to=campaign_image_path, blank=True)
    image_alt = models.CharField(_("image description (alt text)"), max_length=400, blank=True)
    template = models.ForeignKey(MessageTemplate, null=True, blank=True, on_delete=models.SET_NULL)
    source = models.CharField(_("source"), max_length=20, default="compose")
    audience_units = models.ManyToManyField(Unit, blank=True, related_name="+", verbose_name=_("units"))
    audience_tags = models.ManyToManyField(Tag, blank=True, related_name="+", verbose_name=_("tags"))
    audience_villages = models.ManyToManyField(
        Village, blank=True, related_name="+", verbose_name=_("villages")
    )
    audience_kinds = models.JSONField(_("recipient kinds"), default=list, blank=True)
    audience_contacts = models.ManyToManyField(Contact, blank=True, related_name="+")
    scheduled_for = models.DateTimeField(_("send at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    cost = models.PositiveIntegerField(_("quota messages"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self):
        return self.title

    @property
    def is_editable(self):
        return self.status == self.Status.DRAFT


class CampaignApproval(models.Model):
    """A station chief's decision for a campaign that reaches more than one station's audiences."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("waiting")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="approvals")
    station = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "station"], name="one_approval_per_station")
        ]
        ordering = ["station__path"]

    def __str__(self):
        return f"{self.campaign_id}/{self.station_id}: {self.decision}"


class DeliveryStatus(models.TextChoices):
    HELD = "held", _("waiting for approval")
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    RETRYING = "retrying", _("retrying")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")


OPEN_STATUSES = (DeliveryStatus.HELD, DeliveryStatus.QUEUED, DeliveryStatus.SENDING, DeliveryStatus.RETRYING)


class Dispatch(models.Model):
    """One outbound request (push, multicast ≤ 500, e-mail) with its persisted retry key and lease."""

    class Kind(models.TextChoices):
        PUSH = "push", "push"
        MULTICAST = "multicast", "multicast"
        EMAIL = "email", "e-mail"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="dispatches")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="dispatches")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    retry_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    cost = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_token = models.CharField(max_length=32, null=True, blank=True, db_index=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    request_id = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["status", "lease_until"]),
        ]
        ordering = ["id"]

    def __str__(self):
        return f"{self.kind} {self.retry_key} ({self.status})"


class Delivery(models.Model):
    """One recipient of one campaign (its status follows its dispatch)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deliveries")
    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="deliveries")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="deliveries")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "contact"], name="one_delivery_per_recipient")
        ]
        indexes = [models.Index(fields=["campaign", "status"])]
        ordering = ["id"]

    def __str__(self):
        return f"delivery {self.pk} ({self.status})"


class WebhookEvent(models.Model):
    """Every LINE webhook event received, once (LINE redelivers: deduplicated by ``webhookEventId``).

    ``payload`` is redacted: no message text, no user IDs (those live encrypted in contacts and tips).
    """

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="events")
    event_id = models.CharField(max_length=80)
    type = models.CharField(max_length=40)
    source_type = models.CharField(max_length=10, blank=True)
    redelivery = models.BooleanField(default=False)
    received_at = models.DateTimeField(auto_now_add=True)
    payload = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "event_id"], name="one_row_per_webhook_event")
        ]
        indexes = [models.Index(fields=["received_at"])]
        ordering = ["-id"]

    def __str__(self):
        return f"{self.type} {self.event_id}"


def tip_image_path(instance, filename):
    return f"tips/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class TipQuerySet(ScopedQuerySet):
    def for_partner(self, user):
        """Messages of the groups a community partner belongs to (never residents' direct messages)."""
        if not user or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(source=Tip.Source.GROUP, group__partners=user)


class Tip(models.Model):
    """A resident's direct message to a station's account (or a group message that mentions the bot)."""

    class Source(models.TextChoices):
        USER = "user", _("direct message")
        GROUP = "group", _("group message mentioning the account")

    class Kind(models.TextChoices):
        TEXT = "text", _("text")
        IMAGE = "image", _("image")
        LOCATION = "location", _("location")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        NEW = "new", _("new")
        READ = "read", _("read")
        CLOSED = "closed", _("closed")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="tips")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.USER)
    sender = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="tips")
    group = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="group_messages"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("text"), blank=True)
    image = models.FileField(upload_to=tip_image_path, blank=True)
    line_message_id = models.CharField(max_length=40, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    event = models.ForeignKey(
        WebhookEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = models.Manager.from_queryset(TipQuerySet)()
    read_capability = "messaging.read_tips"

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("tip")
        verbose_name_plural = _("tips")

    def __str__(self):
        return self.tracking_code


class RetentionSettings(models.Model):
    """How long closed tips and webhook event records are kept (one editable row, seeded with defaults).

    Open tips (new or read) are never purged, whatever their age; see :func:`actions.purge_expired`.
    """

    closed_tip_days = models.PositiveIntegerField(
        _("keep closed tips for (days)"),
        default=730,
        validators=[MinValueValidator(30), MaxValueValidator(3650)],
        help_text=_("Counted from when the tip was closed. Open tips are never deleted."),
    )
    webhook_event_days = models.PositiveIntegerField(
        _("keep webhook event records for (days)"),
        default=90,
        validators=[MinValueValidator(7), MaxValueValidator(3650)],
        help_text=_("LINE redelivers events for a while: records are needed to recognise them."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("messaging retention")
        verbose_name_plural = _("messaging retention")

    def __str__(self):
        return str(_("messaging retention"))

    @classmethod
    def get(cls):
        obj = cls.objects.filter(pk=1).first()
        return obj if obj is not None else cls(pk=1)
