from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jingmin.org import crypto
from jingmin.org.scoping import ScopedManager, ScopedQuerySet
from jingmin.people import national_id


class Config(models.Model):
    """Editable rules of the person registers (one row), seeded with the defaults of DOMAIN.md."""

    concern_window_years = models.PositiveSmallIntegerField(
        _("visit window of security-concern persons (years)"), default=3
    )

    class Meta:
        verbose_name = _("person settings")
        verbose_name_plural = _("person settings")

    def __str__(self):
        return str(_("person settings"))

    @classmethod
    def get(cls):
        obj = cls.objects.filter(pk=1).first()
        return obj if obj is not None else cls(pk=1)


class Kind(models.TextChoices):
    CONCERN = "concern", _("Security-concern person (治安顧慮人口)")
    NOTES = "notes", _("Person with notes (記事人口)")
    CONTACT = "contact", _("Community contact (諮詢對象)")
    GENERAL = "general", _("General population (一般人口)")


class Category(models.Model):
    """A person category (the 14 qualifying groups of 治安顧慮人口, 記事人口 kinds, contacts); editable."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kind", "order", "code"]
        verbose_name = _("person category")
        verbose_name_plural = _("person categories")

    def __str__(self):
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Household(models.Model):
    """A household known to the beat (address, members, notes); no visit schedule of its own."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="households", verbose_name=_("unit")
    )
    village = models.ForeignKey(
        "org.Village", on_delete=models.PROTECT, related_name="households", verbose_name=_("village")
    )
    address = models.CharField(_("address"), max_length=200)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    def members_visible_to(self, user):
        """The household's current members that the user may see: a member moved to another
        jurisdiction (or purged) is not listed under the old address."""
        return Person.objects.visible_to(user).filter(household=self, purged_at__isnull=True)

    read_capability = "people.view"

    class Meta:
        ordering = ["address", "id"]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self):
        return self.address


class PersonQuerySet(ScopedQuerySet):
    default_capability = "people.view"

    def scope_filter(self, unit):
        """Persons whose visiting unit *or* registered-address unit lies in the user's subtree."""
        return self.filter(
            Q(unit__path__startswith=unit.path) | Q(registered_unit__path__startswith=unit.path)
        )

    def listed(self, today):
        """In the registers: not anonymised, and (for security-concern persons) inside the visit window."""
        return self.filter(purged_at__isnull=True).exclude(kind=Kind.CONCERN, window_end__lte=today)

    def window_closed(self, today):
        return self.filter(purged_at__isnull=True, kind=Kind.CONCERN, window_end__lte=today)


class Person(models.Model):
    """A person of the beat's register: security-concern person, person with notes, contact, or household member."""

    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="persons",
        verbose_name=_("visiting unit"),
        help_text=_("The beat that visits: where the person actually lives."),
    )
    registered_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="registered_persons",
        verbose_name=_("registered-address unit"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="persons",
        verbose_name=_("category"),
    )  # fmt: skip
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="members",
        verbose_name=_("household"),
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=60)
    national_id_enc = models.TextField(blank=True, editable=False)
    national_id_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_enc = models.TextField(blank=True, editable=False)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    registered_address = models.CharField(_("registered address"), max_length=200, blank=True)
    actual_address = models.CharField(_("actual address"), max_length=200, blank=True)
    village = models.ForeignKey(
        "org.Village", on_delete=models.PROTECT, related_name="persons", verbose_name=_("village")
    )
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    offence = models.CharField(_("conviction / offence"), max_length=200, blank=True)
    sentence_end = models.DateField(_("end of sentence"), null=True, blank=True)
    parole_release = models.DateField(_("released on parole"), null=True, blank=True)
    parole_revoked_on = models.DateField(_("parole revoked on"), null=True, blank=True)
    window_start = models.DateField(_("visit window opens"), null=True, blank=True, editable=False)
    window_end = models.DateField(_("visit window closes"), null=True, blank=True, editable=False)
    whereabouts_unknown = models.BooleanField(_("whereabouts unknown (行方不明)"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    retention_queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    purged_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_demo = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = models.Manager.from_queryset(PersonQuerySet)()
    read_capability = "people.view"

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.UniqueConstraint(
                fields=["national_id_index"],
                condition=~Q(national_id_index=""),
                name="person_unique_national_id",
            )
        ]
        indexes = [models.Index(fields=["lon", "lat"], name="person_lonlat")]

    def __str__(self):
        return self.name

    # personal data, encrypted at rest
    @property
    def national_id(self):
        return crypto.decrypt(self.national_id_enc)

    def set_national_id(self, value):
        value = national_id.normalise(value)
        self.national_id_enc = crypto.encrypt(value) if value else ""
        self.national_id_index = crypto.blind_index(value, "national_id") if value else ""

    @property
    def phone(self):
        return crypto.decrypt(self.phone_enc)

    def set_phone(self, value):
        self.phone_enc = crypto.encrypt((value or "").strip())

    def national_id_for(self, user, *, whole=False):
        """The ID as the user may see it — the one masking rule of every page, list, export and API answer:
        masked (A12****789) in lists and exports; whole only on one record opened with a reason
        (``whole=True``: the person's page and the API's person detail) by a role that may see it."""
        from jingmin.org.roles import can

        value = self.national_id
        if not value:
            return ""
        return value if whole and can(user, "people.view_national_id") else national_id.mask(value)

    @classmethod
    def find_by_national_id(cls, value, queryset=None):
        qs = cls.objects.all() if queryset is None else queryset
        return qs.filter(national_id_index=crypto.blind_index(national_id.normalise(value), "national_id"))


class SearchQuerySet(ScopedQuerySet):
    default_capability = "search.view"

    def scope_filter(self, unit):
        """City-wide: every officer under the bureau that received the search request sees it."""
        codes = [c for c in unit.path.strip("/").split("/") if c]
        return self.filter(unit__code__in=codes)


class SearchStatus(models.TextChoices):
    OPEN = "open", _("searching")
    FOUND = "found", _("found")
    CANCELLED = "cancelled", _("withdrawn")


class SearchRequest(models.Model):
    """協尋: a security-concern person whose whereabouts are unknown, searched for by the whole city."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="search_requests", verbose_name=_("bureau")
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="search_requests")
    opened_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by unit")
    )
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SearchStatus.choices, default=SearchStatus.OPEN
    )
    found_at = models.DateTimeField(_("found at (time)"), null=True, blank=True)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("found by"),
    )  # fmt: skip
    found_unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("found by unit"),
    )
    found_where = models.CharField(_("where found"), max_length=200, blank=True)
    found_lat = models.FloatField(null=True, blank=True)
    found_lon = models.FloatField(null=True, blank=True)
    lives_there = models.BooleanField(_("the person lives there"), default=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    objects = models.Manager.from_queryset(SearchQuerySet)()

    class Meta:
        db_table = "visits_searchrequest"
        ordering = ["-opened_at", "-id"]
        verbose_name = _("search request")
        verbose_name_plural = _("search requests")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="open"), name="one_open_search_per_person"
            )
        ]

    def __str__(self):
        return f"{self.person} ({self.get_status_display()})"


class NoticeKind(models.TextChoices):
    RESIDENCE = "residence", _("Lives in your jurisdiction: please visit")
    FOUND = "found", _("Person found")
    SEARCH = "search", _("Search request opened")


class Notice(models.Model):
    """A notice to a unit about a person (the person actually lives in your beat; a searched person was
    found)."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="notices", verbose_name=_("to unit")
    )
    from_unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("from unit"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=NoticeKind.choices)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    search_request = models.ForeignKey(
        SearchRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    text = models.TextField(_("text"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("read by"),
    )  # fmt: skip

    objects = ScopedManager()
    read_capability = "visits.view"

    class Meta:
        db_table = "visits_notice"
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:40]}"
