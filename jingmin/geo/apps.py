from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "jingmin.geo"
    verbose_name = _("Geography")

    def ready(self):
        # every installed app's map layers (``<app>/layers.py`` calls ``jingmin.geo.layers.register``)
        autodiscover_modules("layers")
