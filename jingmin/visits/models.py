import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingmin.org.scoping import ScopedManager


class Config(models.Model):
    """Editable visit and reporting settings (one row), seeded with the defaults of DOMAIN.md."""

    day_start = models.TimeField(_("daytime starts"), default=dt.time(7, 0))
    day_end = models.TimeField(_("daytime ends"), default=dt.time(19, 0))
    intel_urgent_hours = models.PositiveIntegerField(
        _("urgent intelligence report overdue after (hours)"), default=2
    )
    intel_normal_hours = models.PositiveIntegerField(
        _("normal intelligence report overdue after (hours)"), default=72
    )
    shift_minutes = models.PositiveIntegerField(_("beat-visit time budget per shift (minutes)"), default=180)
    stop_minutes = models.PositiveIntegerField(_("minutes per visit"), default=10)
    speed_kmh = models.PositiveIntegerField(_("travel speed (km/h)"), default=20)
    monthly_visit_hours = models.PositiveSmallIntegerField(
        _("visit hours each beat officer should reach per month"), default=16
    )
    group_notice_days = models.PositiveSmallIntegerField(
        _("written notice of a group meeting, at least (days before)"), default=3
    )

    class Meta:
        verbose_name = _("visit settings")
        verbose_name_plural = _("visit settings")

    def __str__(self):
        return str(_("visit settings"))

    @classmethod
    def get(cls):
        obj = cls.objects.filter(pk=1).first()
        return obj if obj is not None else cls(pk=1)

    def is_daytime(self, when):
        local = timezone.localtime(when).time()
        return self.day_start <= local < self.day_end


class Subject(models.TextChoices):
    PERSON = "person", _("person")
    PLACE = "place", _("place")


class Rule(models.Model):
    """How often a kind of subject is visited (rules as data, seeded from DOMAIN.md)."""

    subject = models.CharField(_("subject"), max_length=10, choices=Subject.choices)
    person_category = models.ForeignKey(
        "people.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="rules",
        verbose_name=_("person category"),
    )  # fmt: skip
    place_risk = models.PositiveSmallIntegerField(_("place risk level"), null=True, blank=True)
    interval_months = models.PositiveSmallIntegerField(_("visit every (months)"), default=1)
    active = models.BooleanField(_("active"), default=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["subject", "person_category__order", "place_risk"]
        verbose_name = _("visit rule")
        verbose_name_plural = _("visit rules")
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "person_category", "place_risk"], name="one_rule_per_kind"
            )
        ]

    def __str__(self):
        target = self.person_category or self.get_place_risk_display_safe()
        return f"{target}: {self.interval_months}"

    def get_place_risk_display_safe(self):
        from jingmin.places.models import Risk

        return Risk(self.place_risk).label if self.place_risk in Risk.values else "-"


class Method(models.TextChoices):
    ONSITE = "onsite", _("On-site visit")
    JOINT = "joint", _("Joint visit")
    GROUP = "group", _("Group meeting")
    PHONE = "phone", _("Phone / social media")
    CARD = "card", _("Contact card")


class Visit(models.Model):
    """A visit record (勤區查察紀錄): a person or a place visited by an officer."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="visits", verbose_name=_("unit")
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits", verbose_name=_("officer")
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="visits",
        verbose_name=_("person"),
    )  # fmt: skip
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="visits",
        verbose_name=_("place"),
    )  # fmt: skip
    visited_at = models.DateTimeField(_("when"))
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, default=Method.ONSITE)
    met = models.CharField(_("whom they met"), max_length=200, blank=True)
    observations = models.TextField(_("observations"), blank=True)
    indicators_seen = models.BooleanField(_("crime indicators seen"), default=False)
    arranged = models.BooleanField(_("time arranged with the person"), default=False)
    notice_given_on = models.DateField(
        _("written notice given on"),
        null=True,
        blank=True,
        help_text=_("Group meetings: the day the written notice was given."),
    )
    minutes = models.PositiveSmallIntegerField(
        _("minutes spent"),
        null=True,
        blank=True,
        help_text=_("Empty: counted as the configured minutes per visit."),
    )
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    read_capability = "visits.view"

    class Meta:
        ordering = ["-visited_at", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, place__isnull=True)
                | Q(person__isnull=True, place__isnull=False),
                name="visit_one_subject",
            )
        ]

    def __str__(self):
        return f"{self.subject} @ {self.visited_at:%Y-%m-%d %H:%M}"

    @property
    def subject(self):
        return self.person if self.person_id else self.place


class PlanStatus(models.TextChoices):
    OPEN = "open", _("due")
    DONE = "done", _("done")
    LATE = "late", _("done late")
    CANCELLED = "cancelled", _("cancelled")


class Plan(models.Model):
    """One visit due in one period for one subject; generated idempotently by the schedule."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="visit_plans", verbose_name=_("unit")
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="visit_plans"
    )
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.CASCADE, related_name="visit_plans"
    )
    period_start = models.DateField(_("period starts"))
    due_date = models.DateField(_("due by"))
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.OPEN)
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="plans")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    read_capability = "visits.view"

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "period_start"],
                condition=Q(person__isnull=False),
                name="plan_person_period",
            ),
            models.UniqueConstraint(
                fields=["place", "period_start"], condition=Q(place__isnull=False), name="plan_place_period"
            ),
        ]
        indexes = [models.Index(fields=["unit", "status", "due_date"], name="plan_unit_status_due")]

    def __str__(self):
        return f"{self.subject} ({self.period_start:%Y-%m})"

    @property
    def subject(self):
        return self.person if self.person_id else self.place

    def is_overdue(self, today=None):
        return self.status == PlanStatus.OPEN and self.due_date < (today or timezone.localdate())


class RegistrationStatus(models.TextChoices):
    OPEN = "open", _("to be sent")
    SENT = "sent", _("sent to the household registration office")


class RegistrationNotice(models.Model):
    """勤區訪查通報單: a visit found residents who do not match the household registration; the notice
    goes to the household registration office (戶政事務所) through the station chief."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="registration_notices", verbose_name=_("unit")
    )
    station = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("routed to")
    )
    visit = models.OneToOneField(
        Visit, on_delete=models.PROTECT, related_name="registration_notice", verbose_name=_("visit")
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("officer")
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("person"),
    )  # fmt: skip
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("place"),
    )  # fmt: skip
    village = models.ForeignKey(
        "org.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    office = models.CharField(_("household registration office"), max_length=100)
    details = models.TextField(_("how the residents differ from the household registration"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=8, choices=RegistrationStatus.choices, default=RegistrationStatus.OPEN
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("sent by"),
    )  # fmt: skip
    is_demo = models.BooleanField(default=False)

    objects = ScopedManager()
    read_capability = "visits.registration_notices"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("household registration notice (勤區訪查通報單)")
        verbose_name_plural = _("household registration notices")
        indexes = [models.Index(fields=["station", "status"], name="regnotice_station_status")]

    def __str__(self):
        return f"{self.office} {self.created_at:%Y-%m-%d} #{self.pk}"
