"""Incidents and the stored results of the analytics (forecasts, evaluations, near-repeat tests and alerts).

Every model that belongs to a place carries its ``unit`` and is read through ``visible_to(user)``:
incidents belong to the beat whose village holds the point; forecasts, evaluations and Knox tests to
the unit they were computed for; alerts to the beat they were sent to.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jingmin.org.scoping import ScopedManager


class IncidentCategory(models.Model):
    """A kind of incident (criminal case type or 110 call); editable configuration seeded by a migration."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    near_repeat = models.BooleanField(
        _("near-repeat alerts"),
        default=False,
        help_text=_(
            "Burglary-type categories: a new incident may raise near-repeat alerts for nearby beats."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("incident category")
        verbose_name_plural = _("incident categories")

    def __str__(self):
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Incident(models.Model):
    """A criminal case or 110 call at a point, assigned to its village and beat."""

    external_id = models.CharField(_("incident id"), max_length=64, unique=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    # The three foreign keys below are validated by the importer and protected by Django's PROTECT
    # (enforced by the ORM), but carry no database constraint and no single-column index: the
    # composite indexes cover the lookups, and skipping per-row constraint triggers roughly doubles
    # bulk-import speed (docs/performance.md).
    category = models.ForeignKey(
        IncidentCategory,
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("category"),
        db_constraint=False,
        db_index=False,
    )
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    x = models.FloatField(_("x (EPSG:3826)"))
    y = models.FloatField(_("y (EPSG:3826)"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("beat"),
        db_constraint=False,
        db_index=False,
    )
    village = models.ForeignKey(
        "org.Village",
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("village"),
        db_constraint=False,
        db_index=False,
    )
    reported_unit = models.CharField(_("reporting unit"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=60, blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("imported at"))
    updated_at = models.DateTimeField(_("updated at"))

    objects = ScopedManager()
    read_capability = "analytics.view_incidents"

    class Meta:
        ordering = ["-occurred_at", "id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [
            models.Index(fields=["unit", "occurred_at"], name="incident_unit_time"),
            models.Index(fields=["category", "occurred_at"], name="incident_cat_time"),
        ]

    def __str__(self):
        return self.external_id


class Evaluation(models.Model):
    """A stored rolling-origin backtest (the engine's ``evaluate`` result) for a unit and category."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="forecast_evaluations", verbose_name=_("unit")
    )
    category = models.CharField(_("category"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict)
    result = models.JSONField(_("result"), default=dict)
    best = models.CharField(_("best method"), max_length=40)
    source = models.CharField(_("source"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("computed at"), auto_now_add=True)

    objects = ScopedManager()
    read_capability = "analytics.view"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("forecast evaluation")
        verbose_name_plural = _("forecast evaluations")

    def __str__(self):
        return f"{self.unit.code} {self.category} {self.created_at:%Y-%m-%d}"


class BacktestRun(models.Model):
    """A backtest started from the evaluation page: queued as a task, its ``Evaluation`` stored when done."""

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATUSES = [
        (QUEUED, _("queued")),
        (RUNNING, _("running")),
        (DONE, _("done")),
        (FAILED, _("failed")),
    ]

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.CASCADE, related_name="backtest_runs", verbose_name=_("unit")
    )
    category = models.CharField(_("category"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=STATUSES, default=QUEUED)
    evaluation = models.ForeignKey(
        Evaluation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ScopedManager()
    read_capability = "analytics.view"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("backtest run")
        verbose_name_plural = _("backtest runs")

    def __str__(self):
        return f"{self.unit.code} {self.category} {self.status}"


class ForecastRun(models.Model):
    """Ranked grid cells for the next ``horizon_days`` of one unit (patrol focus boxes)."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.CASCADE, related_name="forecast_runs", verbose_name=_("unit")
    )
    category_key = models.CharField(_("categories"), max_length=200)
    method = models.CharField(_("method"), max_length=40)
    start = models.DateTimeField(_("forecast start"))
    horizon_days = models.FloatField(_("horizon (days)"))
    cell = models.FloatField(_("cell size (m)"))
    grid = models.JSONField(default=dict)
    study_cells = models.PositiveIntegerField(default=0)
    n_incidents = models.PositiveIntegerField(default=0)
    boxes = models.JSONField(default=list)
    evaluation = models.ForeignKey(Evaluation, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("computed at"), auto_now_add=True)

    objects = ScopedManager()
    read_capability = "analytics.view"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("forecast")
        verbose_name_plural = _("forecasts")
        indexes = [models.Index(fields=["unit", "category_key", "created_at"], name="forecast_lookup")]

    def __str__(self):
        return f"{self.unit.code} {self.category_key} {self.method}"


class NearRepeatTest(models.Model):
    """A Knox test of one category in one unit (space-time bands, Monte-Carlo p-values)."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.CASCADE, related_name="near_repeat_tests", verbose_name=_("unit")
    )
    category = models.ForeignKey(
        IncidentCategory, on_delete=models.CASCADE, related_name="+", verbose_name=_("category")
    )
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    n_events = models.PositiveIntegerField(default=0)
    n_perm = models.PositiveIntegerField(default=0)
    table = models.JSONField(default=list)
    distance_m = models.FloatField(_("near-repeat distance (m)"), null=True, blank=True)
    days = models.FloatField(_("near-repeat days"), null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)

    objects = ScopedManager()
    read_capability = "analytics.view_alerts"

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name = _("near-repeat test")
        verbose_name_plural = _("near-repeat tests")

    def __str__(self):
        return f"{self.unit.code} {self.category.code} {self.computed_at:%Y-%m-%d}"


class NearRepeatWarningSetting(models.Model):
    """A station's switch for warning the community through the messaging service (off by default).

    When on, the alerts an import raises for the station's beats also go, as one campaign per import,
    to the neighbourhood-watch contacts (and the contacts of ``tags``) of the affected villages, sent on
    behalf of the station chief. A station without a row is off.
    """

    unit = models.OneToOneField(
        "org.Unit",
        on_delete=models.CASCADE,
        related_name="near_repeat_warning_setting",
        verbose_name=_("station"),
    )
    enabled = models.BooleanField(_("warn the community"), default=False)
    tags = models.ManyToManyField(
        "messaging.Tag",
        blank=True,
        related_name="+",
        verbose_name=_("also warn these contacts"),
        help_text=_("Neighbourhood-watch contacts are always warned; add other tags here."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("near-repeat community warning setting")
        verbose_name_plural = _("near-repeat community warning settings")

    def __str__(self):
        return f"{self.unit.code}: {'on' if self.enabled else 'off'}"


class NearRepeatWarning(models.Model):
    """The community warning of one station for the alerts of one import (one campaign at most)."""

    QUEUED, NO_CHIEF, NOBODY, FAILED = "queued", "no_chief", "nobody", "failed"
    STATUSES = [
        (QUEUED, _("sent to the messaging service")),
        (NO_CHIEF, _("not sent: the station has no chief")),
        (NOBODY, _("not sent: no contacts to warn")),
        (FAILED, _("not sent")),
    ]

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.CASCADE, related_name="near_repeat_warnings", verbose_name=_("station")
    )
    status = models.CharField(_("status"), max_length=10, choices=STATUSES)
    campaign = models.ForeignKey(
        "messaging.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("campaign"),
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    villages = models.ManyToManyField("org.Village", blank=True, related_name="+", verbose_name=_("villages"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager()
    read_capability = "analytics.view_alerts"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("near-repeat community warning")
        verbose_name_plural = _("near-repeat community warnings")

    def __str__(self):
        return f"{self.unit.code} {self.status}"


class NearRepeatAlert(models.Model):
    """An in-app notice to a beat: a near-repeat incident happened within the flagged distance."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.CASCADE, related_name="near_repeat_alerts", verbose_name=_("beat")
    )
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("incident")
    )
    test = models.ForeignKey(
        NearRepeatTest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    distance_m = models.FloatField(_("distance (m)"))
    days = models.FloatField(_("days"))
    valid_until = models.DateTimeField(_("valid until"), db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    # the community warning that covered this alert: set once, so a retried task or a re-import never
    # warns twice for it (an alert belongs to one beat, hence one station: unique per alert and station)
    warning = models.ForeignKey(
        NearRepeatWarning,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts",
        verbose_name=_("community warning"),
    )

    objects = ScopedManager()
    read_capability = "analytics.view_alerts"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("near-repeat alert")
        verbose_name_plural = _("near-repeat alerts")
        constraints = [models.UniqueConstraint(fields=["incident", "unit"], name="one_alert_per_beat")]

    def __str__(self):
        return f"{self.unit.code} ← {self.incident.external_id}"
