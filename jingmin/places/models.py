from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jingmin.org.scoping import ScopedManager


class Category(models.Model):
    """A kind of place with crime indicators (犯罪徵候處所); editable configuration."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("place category")
        verbose_name_plural = _("place categories")

    def __str__(self):
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Risk(models.IntegerChoices):
    LOW = 1, _("low")
    MEDIUM = 2, _("medium")
    HIGH = 3, _("high")


class Place(models.Model):
    """犯罪徵候處所: a place with crime indicators, assigned to its village and beat by its point."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="places", verbose_name=_("unit")
    )
    village = models.ForeignKey(
        "org.Village", on_delete=models.PROTECT, related_name="places", verbose_name=_("village")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="places", verbose_name=_("category")
    )
    name = models.CharField(_("name"), max_length=120)
    risk = models.PositiveSmallIntegerField(_("risk level"), choices=Risk.choices, default=Risk.MEDIUM)
    description = models.TextField(_("description"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    photo = models.ImageField(_("photo"), upload_to="places/%Y/%m/", blank=True)
    last_visited_at = models.DateTimeField(_("last visited"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = ScopedManager()
    read_capability = "places.view"

    class Meta:
        ordering = ["-risk", "name", "id"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        indexes = [
            models.Index(fields=["lon", "lat"], name="place_lonlat"),
            models.Index(fields=["unit", "active"], name="place_unit_active"),
        ]

    def __str__(self):
        return self.name
