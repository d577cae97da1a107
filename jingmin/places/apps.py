from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "jingmin.places"
    verbose_name = _("Places with crime indicators")
