import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingmin.org.scoping import ScopedManager
from jingmin.visits.models import Config


class IntelKind(models.TextChoices):
    DRUGS = "drugs", _("Drugs")
    GAMBLING = "gambling", _("Gambling")
    GANGS = "gangs", _("Gangs / organised crime")
    FRAUD = "fraud", _("Fraud")
    VIOLENCE = "violence", _("Violence / domestic violence")
    WELFARE = "welfare", _("Person at risk / welfare")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    URGENT = "urgent", _("urgent")
    NORMAL = "normal", _("normal")


class IntelStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    ASSIGNED = "assigned", _("assigned")
    FORWARDED = "forwarded", _("forwarded to the precinct")
    CLOSED = "closed", _("closed")


class ForwardTo(models.TextChoices):
    INVESTIGATION = "investigation", _("Investigation")
    SOCIAL = "social", _("Social services")
    AGENCY = "agency", _("Another agency")


class IntelReport(models.Model):
    """情資通報: filed by an officer, routed to the station chief, then assigned or forwarded."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="intel_reports", verbose_name=_("unit")
    )
    station = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("routed to")
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    kind = models.CharField(_("type"), max_length=12, choices=IntelKind.choices)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    text = models.TextField(_("report"))
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="intel_reports",
        verbose_name=_("person"),
    )  # fmt: skip
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.SET_NULL, related_name="intel_reports",
        verbose_name=_("place"),
    )  # fmt: skip
    visit = models.ForeignKey(
        "visits.Visit", null=True, blank=True, on_delete=models.SET_NULL, related_name="intel_reports"
    )
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=IntelStatus.choices, default=IntelStatus.SUBMITTED
    )
    filed_at = models.DateTimeField(_("filed"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("assigned to"),
    )  # fmt: skip
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    forwarded_to = models.CharField(_("forwarded to"), max_length=14, choices=ForwardTo.choices, blank=True)
    forwarded_at = models.DateTimeField(_("forwarded"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    is_demo = models.BooleanField(default=False)

    objects = ScopedManager()
    read_capability = "intel.view"

    class Meta:
        db_table = "visits_intelreport"
        ordering = ["-filed_at", "-id"]
        verbose_name = _("intelligence report")
        verbose_name_plural = _("intelligence reports")
        indexes = [models.Index(fields=["station", "status"], name="intel_station_status")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.filed_at:%Y-%m-%d %H:%M}"

    def overdue_after(self, config=None):
        config = config or Config.get()
        hours = config.intel_urgent_hours if self.urgency == Urgency.URGENT else config.intel_normal_hours
        return self.filed_at + dt.timedelta(hours=hours)

    def is_overdue(self, now=None, config=None):
        return self.status == IntelStatus.SUBMITTED and (now or timezone.now()) >= self.overdue_after(config)
