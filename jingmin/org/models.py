import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jingmin.org.crypto import EncryptedTextField
from jingmin.org.scoping import ScopedManager, ScopedQuerySet


class BilingualName(models.Model):
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)

    class Meta:
        abstract = True

    @property
    def display_name(self):
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name

    def __str__(self):
        return self.display_name


class District(BilingualName):
    """區: a district of the city (civil geography, public data)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    boundary = models.JSONField(_("boundary (GeoJSON)"))
    centroid_lat = models.FloatField()
    centroid_lon = models.FloatField()

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class VillageQuerySet(ScopedQuerySet):
    def scope_filter(self, unit):
        # a village belongs to the unit subtree through its beat (or, before beats exist, its precinct)
        return self.filter(
            models.Q(beat__path__startswith=unit.path)
            | models.Q(district__precincts__path__startswith=unit.path)
        ).distinct()


class Village(BilingualName):
    """里: a village, the basic civil area; normally one beat."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="villages")
    beat = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="villages",
        verbose_name=_("beat"),
    )
    boundary = models.JSONField(_("boundary (GeoJSON)"))
    centroid_lat = models.FloatField()
    centroid_lon = models.FloatField()

    objects = models.Manager.from_queryset(VillageQuerySet)()

    class Meta:
        ordering = ["code"]
        verbose_name = _("village")
        verbose_name_plural = _("villages")


class UnitQuerySet(ScopedQuerySet):
    def _unit_lookup(self):
        return ""

    def subtree(self, unit):
        return self.filter(path__startswith=unit.path)


class Unit(BilingualName):
    """A node of the jurisdiction tree: bureau → precinct → station → beat."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("Police bureau")
        PRECINCT = "precinct", _("Precinct")
        STATION = "station", _("Station")
        BEAT = "beat", _("Beat")

    PARENT_KIND = {Kind.PRECINCT: Kind.BUREAU, Kind.STATION: Kind.PRECINCT, Kind.BEAT: Kind.STATION}

    code = models.CharField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    path = models.CharField(max_length=400, db_index=True, editable=False)
    districts = models.ManyToManyField(
        District, blank=True, related_name="precincts", verbose_name=_("districts")
    )
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    objects = models.Manager.from_queryset(UnitQuerySet)()

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def compute_path(self):
        return (self.parent.path if self.parent_id else "/") + self.code + "/"

    def save(self, *args, **kwargs):
        self.path = self.compute_path()
        super().save(*args, **kwargs)

    def contains(self, other):
        return other is not None and other.path.startswith(self.path)

    def ancestors(self):
        codes = [c for c in self.path.strip("/").split("/")][:-1]
        by_code = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]

    def all_villages(self):
        if self.kind == Unit.Kind.BEAT:
            return Village.objects.filter(beat=self)
        if self.kind == Unit.Kind.PRECINCT and self.districts.exists() and not self.children.exists():
            return Village.objects.filter(district__in=self.districts.all())
        return Village.objects.filter(beat__path__startswith=self.path)


class OfficerQuerySet(ScopedQuerySet):
    def police(self):
        """Active police officers only — what every picker of officers offers (assignees, trainees,
        visit officers): a community partner or social-services liaison has a profile too, but is no officer."""
        from jingmin.org.roles import POLICE

        return self.filter(user__is_active=True, user__groups__name__in=POLICE).distinct()


class Officer(models.Model):
    """The police (or partner) profile of a user: where they work."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="members", verbose_name=_("unit"))
    badge_number = models.CharField(_("badge number"), max_length=20, blank=True)
    phone = EncryptedTextField(
        _("phone"), max_length=30, blank=True
    )  # personal data: encrypted like residents'
    title = models.CharField(_("title"), max_length=60, blank=True)

    objects = models.Manager.from_queryset(OfficerQuerySet)()

    class Meta:
        ordering = ["unit__path", "user__username"]
        verbose_name = _("officer")
        verbose_name_plural = _("officers")

    def __str__(self):
        return self.user.get_full_name() or self.user.username


class TrainingSession(models.Model):
    """An officer training session held by a unit (strategy 1: officer training records)."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="training_sessions", verbose_name=_("unit")
    )
    topic = models.CharField(_("topic"), max_length=200)
    held_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    trainer = models.CharField(_("trainer"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    read_capability = "org.view_training"

    class Meta:
        ordering = ["-held_on", "topic"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")

    def __str__(self):
        return f"{self.held_on} {self.topic}"


class TrainingAttendance(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="trainings")
    completed = models.BooleanField(_("completed"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "officer"], name="one_attendance_per_officer")
        ]
        ordering = ["officer__user__username"]

    def __str__(self):
        return f"{self.officer} @ {self.session}"


class ApiTokenQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash(raw):
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user):
        raw = "jm_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            digest=cls.hash(raw),
            prefix=raw[:8],
            expires_at=timezone.now() + settings.API_TOKEN_TTL,
        )
        return token, raw


class ScheduledRun(models.Model):
    """One enqueued run of a periodic job (see :mod:`jingmin.org.schedule`); unique per job and day."""

    job = models.CharField(max_length=80)
    slot = models.DateField()
    enqueued_at = models.DateTimeField(auto_now_add=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="one_run_per_job_and_slot")]
        ordering = ["-slot", "job"]

    def __str__(self):
        return f"{self.job} {self.slot}"


class WorkerHeartbeat(models.Model):
    """A task worker says it is alive (see :mod:`jingmin.org.workers`): one row per worker process."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self):
        return f"{self.worker_id} {self.seen_at:%Y-%m-%d %H:%M:%S}"
